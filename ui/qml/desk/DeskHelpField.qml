import QtQuick
import QtQuick.Controls.Basic
import common

// One field of the form filled with the villager: the lawyer's edits go to the terminal at once, the
// villager's appear here at once (marked 村民填的).
Column {
    id: cell
    property QtObject help
    property var row: ({})
    readonly property string fieldId: row.id || ""
    readonly property int small: Theme.px(20)
    spacing: Theme.px(4)

    Row {
        width: parent.width
        spacing: Theme.px(8)
        Text {
            width: parent.width - byKiosk.width - parent.spacing
            text: (cell.row.label || "") + (cell.row.required ? " *" : "")
            color: Theme.ink
            font.pixelSize: cell.small
            font.bold: true
            wrapMode: Text.WordWrap
        }
        Text {
            id: byKiosk
            objectName: "deskCofillBy_" + cell.fieldId
            text: cell.row.origin === "kiosk" ? qsTr("村民填的") : (cell.row.origin === "lawyer" ? qsTr("您填的") : "")
            color: cell.row.origin === "kiosk" ? Theme.call : Theme.inkSoft
            font.pixelSize: cell.small
        }
    }
    Rectangle {
        visible: !cell.row.local && cell.row.type !== "choice" && cell.row.type !== "yes_no"
        width: parent.width
        height: Theme.px(44)
        color: Theme.surface
        border.color: input.activeFocus ? Theme.primary : "#9A9A9A"
        border.width: 2
        radius: Theme.px(6)
        TextField {
            id: input
            objectName: "deskCofillInput_" + cell.fieldId
            anchors.fill: parent
            anchors.margins: Theme.px(2)
            text: cell.row.value || ""
            maximumLength: cell.row.maxLength || 500
            font.pixelSize: cell.small
            color: Theme.ink
            background: null
            placeholderText: cell.row.type === "date" ? "2026-12-01" : ""
            onTextEdited: cell.help.setField(cell.fieldId, text)
        }
    }
    Flow {
        visible: cell.row.type === "choice" || cell.row.type === "yes_no"
        width: parent.width
        spacing: Theme.px(6)
        Repeater {
            model: cell.row.type === "yes_no" ? [{ "value": "true", "label": qsTr("是") }, { "value": "false", "label": qsTr("否") }]
                                              : (cell.row.options || [])
            Button {
                objectName: "deskCofillOption_" + cell.fieldId + "_" + modelData.value
                readonly property bool chosen: cell.row.value === modelData.value
                text: modelData.label
                font.pixelSize: cell.small
                highlighted: chosen
                onClicked: cell.help.setField(cell.fieldId, modelData.value)
            }
        }
    }
    Text {
        visible: cell.row.local === true
        width: parent.width
        text: cell.row.filled ? qsTr("村民已在终端上签好") : qsTr("由村民在终端上签名或拍照")
        color: Theme.inkSoft
        font.pixelSize: cell.small
        wrapMode: Text.WordWrap
    }
}
