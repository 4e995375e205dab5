import QtQuick
import common

// 查询办理进度: the tracking number on a big letter pad, then the phone's last four digits on the
// number pad, then the status in plain words.
Item {
    id: page
    property QtObject forms
    property QtObject lookup

    Column {
        id: head
        anchors.top: parent.top
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.margins: Theme.margin
        anchors.topMargin: Theme.px(16)
        spacing: Theme.px(10)
        Text {
            objectName: "statusPrompt"
            width: parent.width
            text: page.lookup.step === "number" ? qsTr("请输入回执上的受理号（8位）")
                : page.lookup.step === "phone" ? qsTr("请输入您填的手机号码的最后4位")
                : page.lookup.step === "asking" ? qsTr("正在查询，请稍等…")
                : page.lookup.resultTitle
            font.pixelSize: page.lookup.step === "result" ? Theme.fontTitle : Theme.fontLarge
            font.bold: true
            color: page.lookup.step === "result" && page.lookup.found ? Theme.call : Theme.ink
            wrapMode: Text.WordWrap
        }
        Rectangle {
            visible: page.lookup.step === "number" || page.lookup.step === "phone"
            width: Theme.px(560)
            height: Theme.px(100)
            radius: Theme.radius / 2
            color: Theme.surface
            border.color: Theme.primary
            border.width: 3
            Text {
                objectName: "statusEntry"
                anchors.centerIn: parent
                text: page.lookup.step === "number" ? page.lookup.numberDisplay : page.lookup.last4
                font.pixelSize: Theme.text(60)
                font.bold: true
                font.letterSpacing: Theme.px(6)
                color: Theme.ink
            }
        }
        Text {
            objectName: "statusMessage"
            visible: text !== ""
            width: parent.width
            text: page.lookup.message
            font.pixelSize: Theme.fontBody
            font.bold: true
            color: Theme.danger
            wrapMode: Text.WordWrap
        }
        Text {
            objectName: "statusResult"
            visible: page.lookup.step === "result"
            width: parent.width
            text: page.lookup.resultText
            font.pixelSize: Theme.fontLarge
            color: Theme.ink
            lineHeight: 1.2
            wrapMode: Text.WordWrap
        }
    }

    // The letter/number pad: only the characters a tracking number can have (no 0/O, 1/I/L).
    Grid {
        id: letters
        visible: page.lookup.step === "number"
        anchors.top: head.bottom
        anchors.topMargin: Theme.px(12)
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: nav.top
        anchors.bottomMargin: Theme.px(12)
        columns: 11
        spacing: Theme.px(8)
        readonly property real keyWidth: (page.width - 2 * Theme.margin - 10 * spacing) / 11
        readonly property real keyHeight: (height - 2 * spacing) / 3
        Repeater {
            model: page.lookup.alphabet.split("").concat(["del", "clear"])
            BigButton {
                objectName: "statusKey" + (modelData === "del" ? "Delete" : modelData === "clear" ? "Clear" : modelData)
                width: modelData.length > 1 ? letters.keyWidth : letters.keyWidth
                height: Math.max(Theme.touchMin, letters.keyHeight)
                implicitWidth: width
                text: modelData === "del" ? qsTr("删除") : modelData === "clear" ? qsTr("清空") : modelData
                fontSize: modelData.length > 1 ? Theme.text(26) : Theme.text(44)
                colour: modelData.length > 1 ? Theme.neutral : "#DCE6F4"
                textColour: modelData.length > 1 ? Theme.onColour : Theme.ink
                onClicked: {
                    if (modelData === "del")
                        page.lookup.deleteKey()
                    else if (modelData === "clear")
                        while (page.lookup.number.length > 0) page.lookup.deleteKey()
                    else
                        page.lookup.key(modelData)
                }
            }
        }
    }
    Grid {
        id: digits
        visible: page.lookup.step === "phone"
        anchors.top: head.bottom
        anchors.topMargin: Theme.px(12)
        anchors.horizontalCenter: parent.horizontalCenter
        columns: 6
        spacing: Theme.px(12)
        Repeater {
            model: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "del"]
            BigButton {
                objectName: "statusDigit" + (modelData === "del" ? "Delete" : modelData)
                width: Theme.px(150)
                implicitWidth: width
                text: modelData === "del" ? qsTr("删除") : modelData
                fontSize: modelData === "del" ? Theme.fontBody : Theme.text(48)
                colour: modelData === "del" ? Theme.neutral : "#DCE6F4"
                textColour: modelData === "del" ? Theme.onColour : Theme.ink
                onClicked: modelData === "del" ? page.lookup.deleteKey() : page.lookup.key(modelData)
            }
        }
    }

    FormNavBar {
        id: nav
        forms: page.forms
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        showNext: page.lookup.step === "number" || page.lookup.step === "phone"
        nextText: page.lookup.step === "phone" ? qsTr("查询") : qsTr("下一步")
        onNextClicked: page.lookup.next()
        onBackClicked: page.lookup.step === "number" ? page.forms.back() : page.lookup.back()
    }
}
