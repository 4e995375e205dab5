import QtQuick
import common

// A large number pad for phone numbers, ID numbers and amounts: no keyboard, big keys, the digits
// shown in groups so they can be checked. ID numbers get an X key (their last character may be X).
Item {
    id: pad
    property string kind: "number"  // number, phone or id_number
    property string unit: ""
    property string initialText: ""  // bound to the stored answer: the display always shows what is kept
    readonly property string digits: initialText
    readonly property int maxDigits: kind === "id_number" ? 18 : kind === "phone" ? 13 : 9
    signal edited(string value)

    function grouped(text) {
        if (kind === "phone" && text.startsWith("1"))
            return [text.slice(0, 3), text.slice(3, 7), text.slice(7)].filter(s => s !== "").join(" ")
        if (kind === "phone" && text.startsWith("0")) {  // a landline: area code (010, 02x or 4 digits) first
            const area = "12".includes(text.charAt(1)) && text.length > 1 ? 3 : 4
            const local = text.slice(area)
            const split = local.length === 7 ? 3 : 4
            return [text.slice(0, area), local.slice(0, split), local.slice(split)].filter(s => s !== "").join(" ")
        }
        if (kind === "id_number")
            return [text.slice(0, 6), text.slice(6, 14), text.slice(14)].filter(s => s !== "").join(" ")
        return text
    }
    function press(key) {
        let next = digits
        if (key === "del")
            next = digits.slice(0, -1)
        else if (key === "clear")
            next = ""
        else if (digits.length < maxDigits)
            next = digits + key
        pad.edited(next)
    }

    Rectangle {
        id: display
        anchors.top: parent.top
        anchors.left: parent.left
        anchors.right: parent.right
        height: Theme.px(100)
        radius: Theme.radius / 2
        color: Theme.surface
        border.color: Theme.primary
        border.width: 3
        Text {
            objectName: "padDisplay"
            anchors.centerIn: parent
            width: parent.width - Theme.px(24)
            horizontalAlignment: Text.AlignHCenter
            text: pad.digits === "" ? qsTr("请按下面的数字") : pad.grouped(pad.digits) + (pad.unit !== "" ? " " + pad.unit : "")
            color: pad.digits === "" ? "#6B6B6B" : Theme.ink
            font.pixelSize: pad.digits === "" ? Theme.fontBody : Theme.text(48)
            font.bold: pad.digits !== ""
            fontSizeMode: Text.HorizontalFit
            minimumPixelSize: Theme.fontBody
        }
    }

    Grid {
        id: keys
        anchors.top: display.bottom
        anchors.topMargin: Theme.px(12)
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        columns: 3
        spacing: Theme.px(12)
        readonly property real keyWidth: (width - 2 * spacing) / 3
        readonly property real keyHeight: Math.max(Theme.touchMin, (height - 3 * spacing) / 4)
        Repeater {
            model: ["1", "2", "3", "4", "5", "6", "7", "8", "9",
                    pad.kind === "id_number" ? "X" : "clear", "0", "del"]
            BigButton {
                objectName: "padKey" + (modelData === "clear" ? "Clear" : modelData === "del" ? "Delete" : modelData)
                width: keys.keyWidth
                height: keys.keyHeight
                implicitWidth: width
                text: modelData === "del" ? qsTr("删除") : modelData === "clear" ? qsTr("清空") : modelData
                fontSize: modelData.length > 1 ? Theme.fontBody : Theme.text(48)
                colour: modelData.length > 1 ? Theme.neutral : "#DCE6F4"
                textColour: modelData.length > 1 ? Theme.onColour : Theme.ink
                onClicked: pad.press(modelData)
            }
        }
    }
}
