import QtQuick
import common

// Yes / no: two very large buttons; the chosen one turns green with a tick.
Item {
    id: yesNo
    property QtObject forms
    Row {
        anchors.centerIn: parent
        spacing: Theme.px(60)
        Repeater {
            model: [{"value": "true", "label": qsTr("是"), "name": "answerYes"},
                    {"value": "false", "label": qsTr("不是"), "name": "answerNo"}]
            Rectangle {
                readonly property bool chosen: yesNo.forms.fieldValue === modelData.value
                objectName: modelData.name
                width: Theme.px(340)
                height: Math.min(yesNo.height, Theme.px(200))
                radius: Theme.radius
                color: chosen ? Theme.call : Theme.surface
                border.color: chosen ? Theme.call : Theme.border
                border.width: 4
                Text {
                    anchors.centerIn: parent
                    text: (parent.chosen ? "✔ " : "") + modelData.label
                    font.pixelSize: Theme.text(64)
                    font.bold: true
                    color: parent.chosen ? Theme.onColour : Theme.ink
                }
                MouseArea {
                    anchors.fill: parent
                    onClicked: yesNo.forms.setValue(modelData.value)
                }
            }
        }
    }
}
