import QtQuick
import QtQuick.Controls.Basic
import common

// One field of a form filled together during the call: the villager's edits go to the lawyer at once,
// the lawyer's appear here at once (marked 律师填的).
Column {
    id: cell
    property QtObject help
    property var row: ({})
    readonly property string fieldId: row.id || ""
    signal inputFocused()  // the on-screen keyboard opens: the list shows this field at its top
    spacing: Theme.px(8)

    Row {
        width: parent.width
        spacing: Theme.px(12)
        Text {
            objectName: "cofillLabel_" + cell.fieldId
            width: parent.width - (byLawyer.visible ? byLawyer.width + parent.spacing : 0)
            text: (cell.row.label || "") + (cell.row.required ? qsTr("（必填）") : "")
            color: Theme.ink
            font.pixelSize: Theme.fontBody
            font.bold: true
            wrapMode: Text.WordWrap
        }
        Rectangle {
            id: byLawyer
            visible: cell.row.origin === "lawyer"
            width: byLawyerText.implicitWidth + Theme.px(20)
            height: byLawyerText.implicitHeight + Theme.px(8)
            radius: Theme.px(6)
            color: Theme.call
            Text {
                id: byLawyerText
                objectName: "cofillByLawyer_" + cell.fieldId
                anchors.centerIn: parent
                text: qsTr("律师填的")
                color: Theme.onColour
                font.pixelSize: Theme.text(28)
            }
        }
    }

    // Typed answers: text, numbers, phone, ID number, date.
    Rectangle {
        visible: ["text", "number", "phone", "id_number", "date"].indexOf(cell.row.type) >= 0
        width: parent.width
        height: Math.max(Theme.touchMin, input.implicitHeight + Theme.px(16))
        radius: Theme.radius / 2
        color: Theme.surface
        border.color: input.activeFocus ? Theme.primary : Theme.border
        border.width: 3
        TextField {
            id: input
            objectName: "cofillInput_" + cell.fieldId
            anchors.fill: parent
            anchors.margins: Theme.px(6)
            text: cell.row.value || ""
            maximumLength: cell.row.maxLength || 500
            font.pixelSize: Theme.fontBody
            color: Theme.ink
            background: null
            placeholderText: cell.row.type === "date" ? qsTr("例如 2026-12-01") : qsTr("点这里填写")
            placeholderTextColor: "#6B6B6B"
            inputMethodHints: ["number", "phone", "id_number"].indexOf(cell.row.type) >= 0 ? Qt.ImhPreferNumbers : Qt.ImhNone
            onTextEdited: cell.help.setField(cell.fieldId, text)
            onActiveFocusChanged: if (activeFocus) cell.inputFocused()
        }
    }

    // One of a few answers: big buttons; the chosen one is dark.
    Flow {
        visible: cell.row.type === "choice" || cell.row.type === "yes_no"
        width: parent.width
        spacing: Theme.px(12)
        Repeater {
            model: cell.row.type === "yes_no" ? [{ "value": "true", "label": qsTr("是") }, { "value": "false", "label": qsTr("否") }]
                                              : (cell.row.options || [])
            BigButton {
                objectName: "cofillOption_" + cell.fieldId + "_" + modelData.value
                readonly property bool chosen: cell.row.value === modelData.value
                implicitWidth: Math.min(cell.width, Math.max(Theme.px(160), implicitContentWidth + Theme.px(48)))
                text: (chosen ? "✓ " : "") + modelData.label
                fontSize: Theme.fontBody
                colour: chosen ? Theme.primary : "#DCE3EC"
                textColour: chosen ? Theme.onColour : Theme.ink
                onClicked: cell.help.setField(cell.fieldId, modelData.value)
            }
        }
    }

    FormSignaturePad {
        visible: cell.row.type === "signature"
        width: parent.width
        height: visible ? Theme.px(220) : 0
        forms: cell.help
    }

    Text {
        visible: cell.row.type === "photo"
        width: parent.width
        text: qsTr("材料照片可以以后在“办事申请”里补交，现在不用拍。")
        color: Theme.inkSoft
        font.pixelSize: Theme.fontBody
        wrapMode: Text.WordWrap
    }

    Text {
        objectName: "cofillMessage_" + cell.fieldId
        visible: text !== ""
        width: parent.width
        text: cell.row.message || ""
        color: Theme.danger
        font.pixelSize: Theme.fontBody
        font.bold: true
        wrapMode: Text.WordWrap
    }
}
