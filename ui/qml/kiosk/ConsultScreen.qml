import QtQuick
import common

// 法律咨询: a bar with 返回 / 首页, one consult page at a time, the statutes' preparation line.
Rectangle {
    id: screen
    objectName: "consultScreen"
    property QtObject vm
    property QtObject consult
    color: Theme.background

    readonly property string page: consult ? consult.page : "topics"

    Rectangle {
        id: bar
        anchors.left: parent.left
        anchors.right: parent.right
        height: Theme.px(110)
        color: Theme.consult
        Text {
            objectName: "consultTitle"
            anchors.left: parent.left
            anchors.leftMargin: Theme.margin
            anchors.right: barButtons.left
            anchors.rightMargin: Theme.px(16)
            anchors.verticalCenter: parent.verticalCenter
            text: {
                switch (screen.page) {
                case "questions": return screen.consult.topicName
                case "answer": return screen.consult.answer.topicName || qsTr("法律咨询")
                case "search": return qsTr("搜索问题")
                case "laws": return screen.consult.laws.title
                case "article": return qsTr("法律条文")
                default: return qsTr("法律咨询")
                }
            }
            color: Theme.onColour
            font.pixelSize: Theme.text(46)
            font.bold: true
            elide: Text.ElideRight
        }
        Row {
            id: barButtons
            anchors.right: parent.right
            anchors.rightMargin: Theme.px(16)
            anchors.verticalCenter: parent.verticalCenter
            spacing: Theme.px(16)
            BigButton {
                objectName: "consultBack"
                text: qsTr("返回")
                iconSource: "../common/icons/back.svg"
                colour: Theme.neutral
                height: Theme.px(88)
                implicitWidth: Theme.px(200)
                fontSize: Theme.fontLarge
                onClicked: screen.consult.back()
            }
            BigButton {
                objectName: "consultHome"
                text: qsTr("首页")
                colour: Theme.neutral
                height: Theme.px(88)
                implicitWidth: Theme.px(160)
                fontSize: Theme.fontLarge
                onClicked: screen.consult.home()
            }
        }
    }

    Loader {
        id: pageLoader
        objectName: "consultPageLoader"
        anchors.top: bar.bottom
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: engineBar.visible ? engineBar.top : parent.bottom
        sourceComponent: {
            switch (screen.page) {
            case "questions": return questionsPage
            case "answer": return answerPage
            case "search": return searchPage
            case "laws": return lawsPage
            case "article": return articlePage
            default: return topicsPage
            }
        }
    }

    Component { id: topicsPage; ConsultTopics { consult: screen.consult } }
    Component { id: questionsPage; ConsultQuestions { consult: screen.consult } }
    Component { id: answerPage; ConsultAnswer { consult: screen.consult } }
    Component { id: searchPage; ConsultSearch { consult: screen.consult } }
    Component { id: lawsPage; LawBrowse { consult: screen.consult } }
    Component { id: articlePage; LawArticle { consult: screen.consult } }

    // 正在准备法律条文… 45% while the search index is built at start (FAQ browsing works meanwhile).
    Rectangle {
        id: engineBar
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        height: engineText.implicitHeight + Theme.px(20)
        visible: screen.consult !== null && screen.consult.engineLine !== ""
        color: "#FFF4CE"
        Text {
            id: engineText
            objectName: "engineLine"
            anchors.centerIn: parent
            width: parent.width - 2 * Theme.margin
            horizontalAlignment: Text.AlignHCenter
            text: screen.consult ? screen.consult.engineLine : ""
            color: Theme.ink
            font.pixelSize: Theme.fontBody
            wrapMode: Text.WordWrap
        }
    }

    Rectangle {
        objectName: "consultNoticeOverlay"
        anchors.fill: parent
        visible: screen.consult !== null && screen.consult.notice !== ""
        color: "#B0000000"
        MouseArea { anchors.fill: parent }
        Rectangle {
            anchors.centerIn: parent
            width: Math.min(parent.width - 2 * Theme.margin, Theme.px(900))
            height: noticeColumn.implicitHeight + 2 * Theme.margin
            radius: Theme.radius
            color: Theme.surface
            border.color: Theme.border
            border.width: 3
            Column {
                id: noticeColumn
                anchors.centerIn: parent
                width: parent.width - 2 * Theme.margin
                spacing: Theme.margin
                Text {
                    objectName: "consultNoticeText"
                    width: parent.width
                    text: screen.consult ? screen.consult.notice : ""
                    color: Theme.ink
                    font.pixelSize: Theme.fontLarge
                    wrapMode: Text.WordWrap
                    horizontalAlignment: Text.AlignHCenter
                }
                BigButton {
                    objectName: "consultNoticeOk"
                    anchors.horizontalCenter: parent.horizontalCenter
                    text: qsTr("知道了")
                    iconSource: "../common/icons/check.svg"
                    onClicked: screen.consult.dismissNotice()
                }
            }
        }
    }
}
