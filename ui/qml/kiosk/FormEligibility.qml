import QtQuick
import QtQuick.Controls.Basic
import common

// The legal-aid self-check's result: can I apply, why, and the article it rests on.
Item {
    id: page
    objectName: "eligibilityPage"
    property QtObject forms
    readonly property var result: forms.eligibility

    property bool showQuotes: false  // the articles' own words, on request: long, and most need only the 依据

    Flickable {
        id: flick
        objectName: "eligibilityFlick"
        anchors.top: parent.top
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: nav.top
        anchors.margins: Theme.margin
        // With the articles' words shown, the 依据 line can come up to the top (room below it if need be).
        contentHeight: Math.max(body.height, page.showQuotes ? basis.y + height : 0)
        clip: true
        onContentHeightChanged: if (page.showQuotes) contentY = basis.y  // bring the words up into view
        ScrollBar.vertical: ScrollBar { width: Theme.px(18); policy: body.height > parent.height ? ScrollBar.AlwaysOn : ScrollBar.AlwaysOff }
        Column {
            id: body
            width: parent.width - Theme.px(24)
            spacing: Theme.px(16)
            Text {
                objectName: "eligibilityTitle"
                width: parent.width
                text: page.result.eligible ? qsTr("✔ 您可以申请法律援助") : qsTr("需要中心审查后决定")
                font.pixelSize: Theme.fontTitle
                font.bold: true
                color: page.result.eligible ? Theme.call : Theme.apply
            }
            Rectangle {
                objectName: "greenChannel"
                visible: page.result.priority === true
                width: parent.width
                height: greenText.implicitHeight + Theme.px(24)
                radius: Theme.radius / 2
                color: Theme.call
                Text {
                    id: greenText
                    anchors.fill: parent
                    anchors.margins: Theme.px(12)
                    text: qsTr("农民工讨薪绿色通道：不审查经济困难条件，优先办理")
                    font.pixelSize: Theme.fontLarge
                    font.bold: true
                    color: Theme.onColour
                    wrapMode: Text.WordWrap
                }
            }
            Text {
                objectName: "eligibilityReasons"
                width: parent.width
                text: page.result.reasons || ""
                font.pixelSize: Theme.fontLarge
                color: Theme.ink
                wrapMode: Text.WordWrap
            }
            Item {
                id: basis
                width: parent.width
                visible: articles.text !== ""
                height: Math.max(articles.implicitHeight, quotesButton.visible ? quotesButton.height : 0)
                Text {
                    id: articles
                    objectName: "eligibilityArticles"
                    anchors.left: parent.left
                    anchors.right: quotesButton.visible ? quotesButton.left : parent.right
                    anchors.rightMargin: quotesButton.visible ? Theme.px(16) : 0
                    anchors.verticalCenter: parent.verticalCenter
                    text: page.result.articles ? qsTr("依据：%1").arg(page.result.articles) : ""
                    font.pixelSize: Theme.fontBody
                    font.bold: true
                    color: Theme.ink
                    wrapMode: Text.WordWrap
                }
                BigButton {
                    id: quotesButton
                    objectName: "quotesButton"
                    visible: quotes.text !== ""
                    anchors.right: parent.right
                    anchors.verticalCenter: parent.verticalCenter
                    height: Theme.touchMin
                    implicitWidth: Math.max(Theme.px(200), contentItem.implicitWidth + Theme.px(48))
                    text: page.showQuotes ? qsTr("收起原文") : qsTr("看法律原文")
                    colour: "#E4E1DA"
                    textColour: Theme.ink
                    fontSize: Theme.fontBody
                    onClicked: page.showQuotes = !page.showQuotes
                }
            }
            Text {
                id: quotes
                objectName: "eligibilityQuotes"
                width: parent.width
                visible: text !== "" && page.showQuotes
                text: page.result.quotes || ""
                font.pixelSize: Theme.fontBody
                color: Theme.inkSoft
                wrapMode: Text.WordWrap
            }
        }
    }

    FormNavBar {
        id: nav
        forms: page.forms
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        nextText: page.result.eligible ? qsTr("继续申请") : qsTr("仍然申请")
        onNextClicked: page.forms.next()
        onBackClicked: page.forms.back()
    }
}
