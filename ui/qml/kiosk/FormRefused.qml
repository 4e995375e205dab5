import QtQuick
import common

// After 不同意: a polite end; nothing the villager typed is kept.
Item {
    id: page
    property QtObject forms
    Column {
        anchors.centerIn: parent
        width: parent.width - 2 * Theme.margin
        spacing: Theme.px(32)
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("好的，不填了")
            font.pixelSize: Theme.fontTitle
            font.bold: true
            color: Theme.ink
        }
        Text {
            objectName: "refusedText"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: page.forms.refuseText
            font.pixelSize: Theme.fontLarge
            color: Theme.ink
            wrapMode: Text.WordWrap
        }
        BigButton {
            objectName: "refusedHome"
            anchors.horizontalCenter: parent.horizontalCenter
            text: qsTr("返回首页")
            colour: Theme.primary
            onClicked: page.forms.home()
        }
    }
}
