import QtQuick

// 正在重新连接…: shown over a call or a waiting screen while the connection comes back by itself.
Rectangle {
    id: banner
    objectName: "reconnectingBanner"
    property bool active: false
    visible: active
    property real maxWidth: Theme.px(800)
    width: Math.min(maxWidth, bannerText.implicitWidth + Theme.px(64))
    height: bannerText.implicitHeight + Theme.px(32)
    radius: Theme.radius
    color: "#E6FFF4D6"
    border.color: "#B26A00"
    border.width: 3

    Text {
        id: bannerText
        objectName: "reconnectingText"
        anchors.centerIn: parent
        width: banner.width - Theme.px(64)
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.WordWrap
        text: qsTr("正在重新连接…")
        color: "#5C3700"
        font.pixelSize: Theme.fontLarge
        font.bold: true
    }
}
