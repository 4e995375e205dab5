import QtQuick
import common

// The bar at the bottom of each form screen: 上一步, 返回首页 and the main action (下一步 by default).
Rectangle {
    id: bar
    property QtObject forms
    property string nextText: qsTr("下一步")
    property bool showBack: true
    property bool showNext: true
    property bool compact: false  // the keyboard is open: lower buttons
    readonly property int buttonHeight: compact ? Theme.touchMin : Theme.buttonHeight
    signal nextClicked()
    signal backClicked()
    height: buttonHeight + (compact ? Theme.px(12) : Theme.px(24))
    color: Theme.surface

    BigButton {
        objectName: "backButton"
        visible: bar.showBack
        anchors.left: parent.left
        anchors.leftMargin: Theme.margin
        anchors.verticalCenter: parent.verticalCenter
        text: qsTr("上一步")
        colour: Theme.neutral
        iconSource: "../common/icons/back.svg"
        height: bar.buttonHeight
        onClicked: bar.backClicked()
    }
    BigButton {
        objectName: "homeButton"
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.verticalCenter: parent.verticalCenter
        text: qsTr("返回首页")
        colour: "#E4E1DA"
        textColour: Theme.ink
        fontSize: Theme.fontBody
        implicitWidth: Theme.px(240)
        height: bar.buttonHeight
        onClicked: bar.forms.home()
    }
    BigButton {
        objectName: "nextButton"
        visible: bar.showNext
        anchors.right: parent.right
        anchors.rightMargin: Theme.margin
        anchors.verticalCenter: parent.verticalCenter
        text: bar.nextText
        colour: Theme.call
        enabled: !bar.forms.busy
        height: bar.buttonHeight
        onClicked: bar.nextClicked()
    }
}
