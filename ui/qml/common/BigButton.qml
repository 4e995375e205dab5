import QtQuick
import QtQuick.Controls.Basic

// A large, high-contrast button with an optional icon beside its words. Tap only.
Button {
    id: control
    property color colour: Theme.primary
    property color textColour: Theme.onColour
    property url iconSource: ""
    property int fontSize: Theme.fontLarge

    implicitHeight: Theme.buttonHeight
    implicitWidth: Math.max(Theme.px(260), content.implicitWidth + Theme.px(64))
    Accessible.name: text

    background: Rectangle {
        radius: Theme.radius
        color: control.down ? Qt.darker(control.colour, 1.3) : control.colour
        border.width: control.visualFocus ? 4 : 0
        border.color: Theme.ink
        opacity: control.enabled ? 1 : 0.45
    }
    contentItem: Item {
        implicitWidth: content.implicitWidth
        implicitHeight: content.implicitHeight
        Row {
            id: content
            anchors.centerIn: parent
            spacing: Theme.px(16)
            Image {
                id: icon
                visible: control.iconSource.toString() !== ""
                source: control.iconSource
                width: control.fontSize * 1.2
                height: width
                sourceSize.width: width
                sourceSize.height: height
                anchors.verticalCenter: parent.verticalCenter
            }
            Text {
                // Longer words (English, elder mode) shrink to the button rather than spill out of it.
                width: Math.min(implicitWidth, control.availableWidth - (icon.visible ? icon.width + content.spacing : 0))
                fontSizeMode: Text.HorizontalFit
                minimumPixelSize: Math.min(control.fontSize, Theme.px(28))
                text: control.text
                color: control.textColour
                font.pixelSize: control.fontSize
                font.bold: true
                anchors.verticalCenter: parent.verticalCenter
            }
        }
    }
}
