import QtQuick
import common

// The separate consent (个人信息保护法 第二十九条) before sensitive answers: plain words, two big answers.
Item {
    id: page
    property QtObject forms

    Column {
        anchors.top: parent.top
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.margins: Theme.margin
        spacing: Theme.px(20)
        Text {
            objectName: "consentTitle"
            width: parent.width
            text: page.forms.consentTitle
            font.pixelSize: Theme.fontTitle
            font.bold: true
            color: Theme.ink
        }
        Text {
            objectName: "consentText"
            width: parent.width
            text: page.forms.consentText
            font.pixelSize: Theme.fontBody
            lineHeight: 1.25
            color: Theme.ink
            wrapMode: Text.WordWrap
        }
    }
    Row {
        anchors.bottom: parent.bottom
        anchors.bottomMargin: Theme.margin
        anchors.horizontalCenter: parent.horizontalCenter
        spacing: Theme.px(48)
        BigButton {
            objectName: "consentRefuse"
            text: qsTr("不同意")
            colour: Theme.neutral
            width: Theme.px(360)
            onClicked: page.forms.answerConsent(false)
        }
        BigButton {
            objectName: "consentAgree"
            text: qsTr("同意，继续填")
            colour: Theme.call
            iconSource: "../common/icons/check.svg"
            width: Theme.px(420)
            onClicked: page.forms.answerConsent(true)
        }
    }
}
