import QtQuick
import QtQuick.Controls.Basic

// A home-screen tile: big picture, big words, one line saying what it does.
Button {
    id: control
    property color colour: Theme.primary
    property url iconSource: ""
    property string subtitle: ""
    Accessible.name: text

    background: Rectangle {
        radius: Theme.radius * 1.5
        color: control.down ? Qt.darker(control.colour, 1.3) : control.colour
        border.width: control.visualFocus ? 5 : 0
        border.color: Theme.ink
    }
    contentItem: Item {
        Column {
            anchors.centerIn: parent
            width: parent.width
            spacing: Theme.px(10)
            Image {
                anchors.horizontalCenter: parent.horizontalCenter
                source: control.iconSource
                // The picture gives way to the words when they grow (elder mode).
                width: Math.max(0, Math.min(Theme.px(120), control.height * 0.4,
                                            control.height - titleText.implicitHeight - subtitleText.implicitHeight - 2 * parent.spacing - Theme.px(24)))
                visible: width >= Theme.px(32)
                height: width
                sourceSize.width: width
                sourceSize.height: height
            }
            Text {
                id: titleText
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: control.text
                color: Theme.onColour
                font.pixelSize: Theme.text(56)
                font.bold: true
                fontSizeMode: Text.HorizontalFit
                minimumPixelSize: Theme.fontLarge
            }
            Text {
                id: subtitleText
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: control.subtitle
                color: Theme.onColour
                font.pixelSize: Theme.fontBody
                wrapMode: Text.WordWrap
            }
        }
    }
}
