import QtQuick
import QtQuick.Controls.Basic

// A button of the corner bar: icon and words, as wide as its words, never below the touch minimum.
Button {
    id: control
    property color colour: Theme.neutral
    property url iconSource: ""
    property bool on: false
    font.pixelSize: Theme.fontBody

    implicitHeight: Math.max(Theme.touchMin, Theme.px(76))
    implicitWidth: Math.max(Theme.touchMin * 1.6, row.implicitWidth + Theme.px(40))
    Accessible.name: text

    background: Rectangle {
        radius: Theme.radius
        color: control.on ? "#FFD54F" : (control.down ? Qt.darker(control.colour, 1.3) : control.colour)
        border.width: control.on ? 4 : 0
        border.color: Theme.ink
    }
    contentItem: Item {
        implicitWidth: row.implicitWidth
        implicitHeight: row.implicitHeight
        Row {
            id: row
            anchors.centerIn: parent
            spacing: Theme.px(10)
            Image {
                visible: control.iconSource.toString() !== ""
                source: control.iconSource
                width: visible ? control.font.pixelSize * 1.2 : 0
                height: width
                sourceSize.width: control.font.pixelSize * 1.2
                sourceSize.height: control.font.pixelSize * 1.2
                anchors.verticalCenter: parent.verticalCenter
            }
            Text {
                text: control.text
                color: control.on ? "#000000" : Theme.onColour
                font.pixelSize: control.font.pixelSize
                font.bold: true
                anchors.verticalCenter: parent.verticalCenter
            }
        }
    }
}
