import QtQuick
import QtQuick.Controls.Basic
import common

// One statute article in large text, with A− / A+ and 朗读.
Item {
    id: page
    property QtObject consult
    readonly property var article: consult ? consult.article : ({})
    readonly property int bodySize: Theme.text(consult ? consult.textSize : 36)

    Flickable {
        id: flick
        anchors.top: parent.top
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: actions.top
        anchors.margins: Theme.margin
        contentHeight: content.implicitHeight
        clip: true
        ScrollBar.vertical: ScrollBar { width: Theme.px(24); policy: ScrollBar.AlwaysOn }
        Column {
            id: content
            width: flick.width - Theme.px(40)
            spacing: Theme.px(16)
            Text {
                objectName: "articleTitle"
                width: parent.width
                text: page.article.title || ""
                color: Theme.consult
                font.pixelSize: Math.round(page.bodySize * 1.15)
                font.bold: true
                wrapMode: Text.WordWrap
            }
            Text {
                objectName: "articleTrail"
                width: parent.width
                text: page.article.trail || ""
                color: Theme.inkSoft
                font.pixelSize: Theme.fontBody
                wrapMode: Text.WordWrap
            }
            Text {
                objectName: "articleText"
                width: parent.width
                text: page.article.text || ""
                color: Theme.ink
                font.pixelSize: page.bodySize
                lineHeight: 1.3
                wrapMode: Text.WordWrap
            }
        }
    }

    Row {
        id: actions
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: Theme.margin
        height: Theme.buttonHeight
        spacing: Theme.px(16)
        ConsultTextSize {
            consult: page.consult
            height: parent.height
        }
        ConsultSpeechButton {
            width: Theme.px(280)
            implicitWidth: width
            height: parent.height
            speech: page.consult ? page.consult.speech : null
            onReadRequested: page.consult.readArticle()
        }
        Text {
            objectName: "speechMessage"
            width: parent.width - Theme.px(280 + 2 * 130 + 3 * 16 + 12)
            anchors.verticalCenter: parent.verticalCenter
            visible: text !== ""
            text: page.consult ? page.consult.speech.message : ""
            color: Theme.danger
            font.pixelSize: Theme.fontBody
            wrapMode: Text.WordWrap
        }
    }
}
