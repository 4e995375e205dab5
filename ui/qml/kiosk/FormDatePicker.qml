import QtQuick
import common

// A date picker of big buttons: two weeks at a time, each day a button with its weekday; days the
// form does not allow (past, weekends, holidays) are greyed out with the reason in one word.
Item {
    id: picker
    property QtObject forms

    Row {
        id: arrows
        anchors.top: parent.top
        anchors.horizontalCenter: parent.horizontalCenter
        spacing: Theme.px(24)
        BigButton {
            objectName: "datePrev"
            text: qsTr("前两周")
            colour: Theme.neutral
            fontSize: Theme.fontBody
            height: Theme.touchMin
            enabled: picker.forms.datePage > 0
            onClicked: picker.forms.shiftDates(-1)
        }
        BigButton {
            objectName: "dateNext"
            text: qsTr("后两周")
            colour: Theme.neutral
            fontSize: Theme.fontBody
            height: Theme.touchMin
            onClicked: picker.forms.shiftDates(1)
        }
    }

    Grid {
        id: days
        anchors.top: arrows.bottom
        anchors.topMargin: Theme.px(12)
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        columns: 7
        spacing: Theme.px(10)
        readonly property real cellWidth: (width - 6 * spacing) / 7
        readonly property real cellHeight: Math.max(Theme.touchMin, (height - spacing) / 2)
        Repeater {
            model: picker.forms.dateChoices
            Rectangle {
                objectName: "dateButton_" + modelData.iso
                width: days.cellWidth
                height: days.cellHeight
                radius: Theme.radius / 2
                color: modelData.chosen ? Theme.call : modelData.enabled ? Theme.surface : "#D9D9D9"
                border.color: modelData.chosen ? Theme.call : Theme.border
                border.width: 2
                enabled: modelData.enabled
                Column {
                    anchors.centerIn: parent
                    spacing: Theme.px(2)
                    Text {
                        anchors.horizontalCenter: parent.horizontalCenter
                        text: modelData.day
                        font.pixelSize: Theme.fontBody
                        font.bold: true
                        color: modelData.chosen ? Theme.onColour : modelData.enabled ? Theme.ink : "#555555"
                    }
                    Text {
                        anchors.horizontalCenter: parent.horizontalCenter
                        text: modelData.enabled ? modelData.weekday : modelData.weekday + " " + modelData.note
                        font.pixelSize: Theme.text(24)
                        color: modelData.chosen ? Theme.onColour : modelData.enabled ? Theme.inkSoft : "#555555"
                    }
                }
                MouseArea {
                    anchors.fill: parent
                    onClicked: picker.forms.setValue(modelData.iso)
                }
            }
        }
    }
}
