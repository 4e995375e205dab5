import QtQuick
import QtQuick.Controls.Basic
import common

// Search as you type over the FAQ and the statutes: 常见问题 first, then 法律条文.
Item {
    id: page
    property QtObject consult
    readonly property string state_: consult ? consult.searchState : "idle"

    TextField {
        id: field
        objectName: "searchField"
        anchors.top: parent.top
        anchors.left: parent.left
        anchors.right: showResults.visible ? showResults.left : parent.right
        anchors.margins: Theme.margin
        height: Theme.buttonHeight
        font.pixelSize: Theme.fontLarge
        maximumLength: 100
        placeholderText: qsTr("说说您遇到的事，比如：老板欠我工资不给怎么办")
        placeholderTextColor: "#6A6A6A"
        inputMethodHints: Qt.ImhNoPredictiveText
        background: Rectangle {
            radius: Theme.radius
            color: Theme.surface
            border.color: Theme.consult
            border.width: 4
        }
        text: page.consult ? page.consult.query : ""
        onTextEdited: page.consult.setQuery(text)
        onAccepted: page.consult.submitSearch()
        Component.onCompleted: forceActiveFocus()
    }

    // With the keyboard up little room is left: 看结果 puts it away to show the results.
    BigButton {
        id: showResults
        objectName: "showResults"
        anchors.top: parent.top
        anchors.right: parent.right
        anchors.margins: Theme.margin
        height: Theme.buttonHeight
        implicitWidth: Theme.px(220)
        visible: Qt.inputMethod.visible && (page.state_ === "results" || page.state_ === "nothing")
        text: qsTr("看结果")
        colour: Theme.consult
        onClicked: Qt.inputMethod.hide()
    }

    Text {
        id: also
        objectName: "alsoSearched"
        anchors.top: field.bottom
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.leftMargin: Theme.margin
        anchors.rightMargin: Theme.margin
        anchors.topMargin: Theme.px(8)
        visible: text !== "" && page.state_ === "results"
        text: page.consult ? page.consult.alsoSearched : ""
        color: Theme.inkSoft
        font.pixelSize: Theme.fontBody
        elide: Text.ElideRight
    }

    Text {
        objectName: "searchStatus"
        anchors.top: also.visible ? also.bottom : field.bottom
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.margins: Theme.margin
        visible: page.state_ !== "results"
        text: {
            switch (page.state_) {
            case "waiting": return qsTr("法律条文还在准备中，准备好就马上为您查找。")
            case "searching": return qsTr("正在查找…")
            case "nothing": return qsTr("没有找到相关的内容。\n您可以换个说法再试，或者点“律师视频”直接问律师。")
            default: return qsTr("用几个字说说您的事就行，比如“离婚”“欠工资”“交通事故”。\n也可以输入法律条文，比如“民法典1079”。")
            }
        }
        color: Theme.ink
        font.pixelSize: Theme.fontLarge
        wrapMode: Text.WordWrap
    }

    Flickable {
        id: flick
        objectName: "searchResults"
        anchors.top: also.visible ? also.bottom : field.bottom
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: missedCard.visible ? missedCard.top : parent.bottom
        anchors.margins: Theme.margin
        anchors.topMargin: Theme.px(12)
        visible: page.state_ === "results"
        contentHeight: results.implicitHeight
        clip: true
        onMovementStarted: Qt.inputMethod.hide()
        ScrollBar.vertical: ScrollBar { width: Theme.px(24); policy: ScrollBar.AlwaysOn }

        Column {
            id: results
            width: flick.width - Theme.px(40)
            spacing: Theme.px(12)

            Repeater {
                model: page.consult ? page.consult.articleResults.filter(a => a.exact) : []
                delegate: ConsultResultRow {
                    required property var modelData
                    objectName: "exactArticle"
                    width: results.width
                    title: qsTr("打开 %1").arg(modelData.title)
                    detail: modelData.snippet
                    emphasised: true
                    onClicked: page.consult.openArticle(modelData.index)
                }
            }
            Text {
                visible: page.consult !== null && page.consult.faqResults.length > 0
                text: qsTr("常见问题")
                color: Theme.consult
                font.pixelSize: Theme.fontLarge
                font.bold: true
            }
            Repeater {
                model: page.consult ? page.consult.faqResults : []
                delegate: ConsultResultRow {
                    required property var modelData
                    required property int index
                    objectName: "faqResult_" + index
                    width: results.width
                    title: modelData.question
                    onClicked: page.consult.openQuestion(modelData.id)
                }
            }
            Text {
                visible: page.consult !== null && page.consult.articleResults.filter(a => !a.exact).length > 0
                text: qsTr("法律条文")
                color: Theme.consult
                font.pixelSize: Theme.fontLarge
                font.bold: true
            }
            Repeater {
                model: page.consult ? page.consult.articleResults.filter(a => !a.exact) : []
                delegate: ConsultResultRow {
                    required property var modelData
                    required property int index
                    objectName: "articleResult_" + index
                    width: results.width
                    title: modelData.title
                    detail: modelData.snippet
                    onClicked: page.consult.openArticle(modelData.index)
                }
            }
        }
    }

    // A search that found nothing good: may the words be kept so the centre can add content?
    Rectangle {
        id: missedCard
        objectName: "missedAsk"
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: Theme.margin
        height: missedRow.implicitHeight + 2 * Theme.px(16)
        visible: page.consult !== null && page.consult.askMissed
        radius: Theme.radius
        color: "#FFF4CE"
        border.color: Theme.border
        border.width: 2
        Row {
            id: missedRow
            anchors.centerIn: parent
            width: parent.width - 2 * Theme.px(16)
            spacing: Theme.px(16)
            Text {
                width: parent.width - yes.width - no.width - 2 * parent.spacing
                anchors.verticalCenter: parent.verticalCenter
                text: qsTr("没找到合适的答案。可以把您搜的话告诉法律服务中心，帮我们补上吗？")
                color: Theme.ink
                font.pixelSize: Theme.fontBody
                wrapMode: Text.WordWrap
            }
            BigButton {
                id: yes
                objectName: "missedYes"
                text: qsTr("可以")
                implicitWidth: Theme.px(170)
                colour: Theme.call
                onClicked: page.consult.answerMissed(true)
            }
            BigButton {
                id: no
                objectName: "missedNo"
                text: qsTr("不用")
                implicitWidth: Theme.px(170)
                colour: Theme.neutral
                onClicked: page.consult.answerMissed(false)
            }
        }
    }
}
