import QtQuick
import common

// The receipt, shown only once the application is safely on this terminal's disk: the tracking
// number in very large type, its QR code, what happens next, and 打印回执 where a printer is set up.
Item {
    id: page
    property QtObject forms

    Text {
        id: saved
        anchors.top: parent.top
        anchors.topMargin: Theme.px(20)
        anchors.left: parent.left
        anchors.leftMargin: Theme.margin
        text: qsTr("✔ 您的申请已经保存好了")
        font.pixelSize: Theme.fontLarge
        font.bold: true
        color: Theme.call
    }
    Text {
        id: label
        anchors.top: saved.bottom
        anchors.topMargin: Theme.px(12)
        anchors.left: saved.left
        text: qsTr("受理号（请记下来，查询进度要用）")
        font.pixelSize: Theme.fontBody
        color: Theme.inkSoft
    }
    Text {
        id: number
        objectName: "trackingNumber"
        anchors.top: label.bottom
        anchors.left: saved.left
        text: page.forms.trackingDisplay
        font.pixelSize: Theme.text(110)
        font.bold: true
        font.letterSpacing: Theme.px(6)
        color: Theme.ink
    }
    Image {
        id: qr
        objectName: "receiptQr"
        anchors.top: parent.top
        anchors.topMargin: Theme.px(20)
        anchors.right: parent.right
        anchors.rightMargin: Theme.margin
        width: Theme.px(210)
        height: width
        smooth: false
        fillMode: Image.PreserveAspectFit
        source: page.forms.qrCode
    }
    Text {
        id: qrCaption
        anchors.top: qr.bottom
        anchors.right: qr.right
        text: qsTr("手机扫码记下受理号")
        font.pixelSize: Theme.text(24)
        color: Theme.inkSoft
    }
    Text {
        objectName: "nextSteps"
        y: Math.max(number.y + number.height, qrCaption.y + qrCaption.height) + Theme.px(12)
        anchors.left: saved.left
        anchors.right: parent.right
        anchors.rightMargin: Theme.margin
        anchors.bottom: buttons.top
        text: page.forms.nextSteps
        font.pixelSize: Theme.text(28)
        lineHeight: 1.15
        color: Theme.ink
        wrapMode: Text.WordWrap
        elide: Text.ElideRight
    }
    Text {
        objectName: "formNotice"
        anchors.bottom: buttons.top
        anchors.bottomMargin: Theme.px(8)
        anchors.right: parent.right
        anchors.rightMargin: Theme.margin
        text: page.forms.notice
        font.pixelSize: Theme.fontBody
        color: Theme.primary
    }
    Row {
        id: buttons
        anchors.bottom: parent.bottom
        anchors.bottomMargin: Theme.px(24)
        anchors.horizontalCenter: parent.horizontalCenter
        spacing: Theme.px(48)
        BigButton {
            objectName: "printButton"
            visible: page.forms.canPrint
            text: qsTr("打印回执")
            colour: Theme.primary
            enabled: !page.forms.busy
            onClicked: page.forms.printReceipt()
        }
        BigButton {
            objectName: "receiptDone"
            text: qsTr("办完了，返回首页")
            colour: Theme.call
            iconSource: "../common/icons/check.svg"
            onClicked: page.forms.home()
        }
    }
}
