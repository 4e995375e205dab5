import QtQuick
import QtQuick.Controls.Basic
import common

// The lawyer's in-call help: find an FAQ answer or a law article and push it to the villager's screen
// with one click; 推送表格 opens a form on the terminal, filled together live.
Rectangle {
    id: panel
    objectName: "deskHelpPanel"
    property QtObject help
    property string tab: "search"  // search | forms | form
    readonly property int small: Theme.px(20)
    color: Theme.background
    radius: Theme.px(8)

    Connections {
        target: panel.help
        function onLayoutChanged() { panel.tab = panel.help.formId !== "" ? "form" : (panel.tab === "form" ? "forms" : panel.tab) }
    }

    Button {
        id: collapse
        objectName: "deskHelpCollapse"
        anchors.top: parent.top
        anchors.right: parent.right
        anchors.margins: Theme.px(8)
        text: qsTr("收起")
        font.pixelSize: panel.small
        onClicked: panel.help.closePanel()
    }

    Row {
        id: tabs
        anchors.top: parent.top
        anchors.left: parent.left
        anchors.right: collapse.left
        anchors.margins: Theme.px(8)
        spacing: Theme.px(6)
        Repeater {
            model: [
                { "id": "search", "label": qsTr("查解答和法条") },
                { "id": "forms", "label": qsTr("推送表格") },
                { "id": "form", "label": qsTr("一起填表") }
            ]
            Button {
                objectName: "deskHelpTab_" + modelData.id
                visible: modelData.id !== "form" || (panel.help && panel.help.formId !== "")
                text: modelData.label
                font.pixelSize: panel.small
                highlighted: panel.tab === modelData.id
                onClicked: panel.tab = modelData.id
            }
        }
    }

    Item {
        id: notice
        anchors.bottom: parent.bottom
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.margins: Theme.px(8)
        height: noticeText.text === "" ? 0 : noticeText.implicitHeight
        Text {
            id: noticeText
            objectName: "deskHelpNotice"
            width: parent.width
            text: panel.help ? panel.help.notice : ""
            color: Theme.call
            font.pixelSize: panel.small
            wrapMode: Text.WordWrap
        }
    }

    // --- search and push -------------------------------------------------------------------------
    Item {
        anchors.top: tabs.bottom
        anchors.bottom: notice.top
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.margins: Theme.px(8)
        visible: panel.tab === "search"
        Rectangle {
            id: searchBox
            anchors.top: parent.top
            anchors.left: parent.left
            anchors.right: lawBrowse.left
            anchors.rightMargin: Theme.px(6)
            height: Theme.px(48)
            color: Theme.surface
            border.color: Theme.primary
            border.width: 2
            radius: Theme.px(6)
            TextField {
                objectName: "deskHelpSearch"
                anchors.fill: parent
                anchors.margins: Theme.px(2)
                font.pixelSize: panel.small
                background: null
                placeholderText: qsTr("输入问题或法条，如：民法典 1079、欠工资")
                onTextEdited: panel.help.search(text)
            }
        }
        ComboBox {
            id: lawBrowse
            objectName: "deskHelpBrowse"
            anchors.top: parent.top
            anchors.right: parent.right
            width: Math.round(parent.width * 0.34)
            height: searchBox.height
            font.pixelSize: panel.small
            enabled: panel.help !== null && panel.help.searchReady
            model: panel.help ? panel.help.lawChoices : []
            textRole: "title"
            displayText: qsTr("按法律浏览")
            onActivated: (index) => panel.help.browseLaw(model[index].law)
        }
        Item {
            id: indexHint
            anchors.top: searchBox.bottom
            anchors.left: parent.left
            anchors.right: parent.right
            height: indexHintText.visible ? indexHintText.implicitHeight : 0
            Text {
                id: indexHintText
                width: parent.width
                visible: panel.help !== null && !panel.help.searchReady
                text: qsTr("法条检索正在准备，先可以查常见问题。")
                color: Theme.inkSoft
                font.pixelSize: Theme.px(18)
                wrapMode: Text.WordWrap
            }
        }
        ListView {
            id: resultList
            objectName: "deskHelpResults"
            anchors.top: indexHint.bottom
            anchors.topMargin: Theme.px(6)
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.bottom: parent.bottom
            clip: true
            spacing: Theme.px(6)
            model: panel.help ? panel.help.results : []
            ScrollBar.vertical: ScrollBar { policy: ScrollBar.AsNeeded }
            delegate: Rectangle {
                width: resultList.width - Theme.px(12)
                height: Math.max(pushButton.height, resultText.implicitHeight) + Theme.px(12)
                color: Theme.surface
                radius: Theme.px(6)
                Column {
                    id: resultText
                    anchors.left: parent.left
                    anchors.right: pushButton.left
                    anchors.verticalCenter: parent.verticalCenter
                    anchors.margins: Theme.px(8)
                    Text {
                        width: parent.width
                        text: modelData.kindLabel + " · " + modelData.title
                        font.pixelSize: panel.small
                        font.bold: true
                        color: modelData.kind === "law" ? Theme.consult : Theme.ink
                        wrapMode: Text.WordWrap
                    }
                    Text {
                        width: parent.width
                        text: modelData.snippet
                        font.pixelSize: Theme.px(17)
                        color: Theme.inkSoft
                        wrapMode: Text.WordWrap
                        maximumLineCount: 2
                        elide: Text.ElideRight
                    }
                }
                Button {
                    id: pushButton
                    objectName: "deskPushResult_" + index
                    anchors.right: parent.right
                    anchors.rightMargin: Theme.px(8)
                    anchors.verticalCenter: parent.verticalCenter
                    text: qsTr("推送")
                    font.pixelSize: panel.small
                    enabled: panel.help !== null && panel.help.inCall
                    onClicked: panel.help.push(index)
                }
            }
        }
    }

    // --- forms to push ---------------------------------------------------------------------------
    ListView {
        id: formList
        objectName: "deskHelpForms"
        anchors.top: tabs.bottom
        anchors.bottom: notice.top
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.margins: Theme.px(8)
        visible: panel.tab === "forms"
        clip: true
        spacing: Theme.px(6)
        model: panel.help ? panel.help.formList : []
        delegate: Rectangle {
            width: formList.width
            height: Theme.px(56)
            color: Theme.surface
            radius: Theme.px(6)
            Text {
                anchors.left: parent.left
                anchors.right: pushForm.left
                anchors.margins: Theme.px(8)
                anchors.verticalCenter: parent.verticalCenter
                text: modelData.title
                font.pixelSize: panel.small
                color: Theme.apply
                font.bold: true
                elide: Text.ElideRight
            }
            Button {
                id: pushForm
                objectName: "deskPushForm_" + modelData.id
                anchors.right: parent.right
                anchors.rightMargin: Theme.px(8)
                anchors.verticalCenter: parent.verticalCenter
                text: qsTr("推送表格")
                font.pixelSize: panel.small
                enabled: panel.help !== null && panel.help.inCall
                onClicked: { panel.help.pushForm(modelData.id); panel.tab = "form" }
            }
        }
    }

    // --- the form filled together ----------------------------------------------------------------
    Item {
        anchors.top: tabs.bottom
        anchors.bottom: notice.top
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.margins: Theme.px(8)
        visible: panel.tab === "form" && panel.help !== null && panel.help.formId !== ""
        Text {
            id: formTitle
            objectName: "deskCofillTitle"
            anchors.top: parent.top
            anchors.left: parent.left
            anchors.right: closeForm.left
            text: panel.help ? panel.help.formTitle : ""
            color: Theme.apply
            font.pixelSize: Theme.px(24)
            font.bold: true
            wrapMode: Text.WordWrap
        }
        Button {
            id: closeForm
            objectName: "deskCofillClose"
            anchors.top: parent.top
            anchors.right: parent.right
            text: qsTr("收起")
            font.pixelSize: panel.small
            onClicked: { panel.help.closeForm(); panel.tab = "forms" }
        }
        Item {
            id: submitted
            anchors.top: formTitle.bottom
            anchors.left: parent.left
            anchors.right: parent.right
            height: submittedText.visible ? submittedText.implicitHeight : 0
            Text {
                id: submittedText
                objectName: "deskCofillSubmitted"
                width: parent.width
                visible: panel.help !== null && panel.help.submitted !== ""
                text: panel.help ? qsTr("村民已确认提交，受理号 %1").arg(panel.help.submitted) : ""
                color: Theme.call
                font.pixelSize: panel.small
                font.bold: true
                wrapMode: Text.WordWrap
            }
        }
        Flickable {
            id: fieldsFlick
            anchors.top: submitted.bottom
            anchors.topMargin: Theme.px(6)
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.bottom: parent.bottom
            contentHeight: fieldColumn.implicitHeight
            clip: true
            ScrollBar.vertical: ScrollBar { policy: ScrollBar.AsNeeded }
            Column {
                id: fieldColumn
                width: fieldsFlick.width - Theme.px(16)
                spacing: Theme.px(10)
                Repeater {
                    model: panel.help ? panel.help.fieldIds : []
                    DeskHelpField {
                        width: fieldColumn.width
                        help: panel.help
                        row: panel.help ? (panel.help.fields[index] || ({})) : ({})
                    }
                }
            }
        }
    }
}
