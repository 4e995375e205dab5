import QtQuick
import common

// Nobody can answer: say so and show the hotline in large numbers, with 返回.
Rectangle {
    id: screen
    objectName: "noLawyerScreen"
    property QtObject vm
    color: Theme.background

    TopBar {
        id: bar
        anchors.left: parent.left
        anchors.right: parent.right
        title: qsTr("律师视频")
    }

    Column {
        id: content
        anchors.top: bar.bottom
        anchors.topMargin: Theme.px(24) / Theme.textScale
        anchors.horizontalCenter: parent.horizontalCenter
        width: parent.width - 2 * Theme.margin
        spacing: Theme.px(16)

        Text {
            objectName: "noLawyerMessage"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: screen.vm ? screen.vm.message : ""
            color: Theme.ink
            font.pixelSize: Theme.fontTitle
            font.bold: true
        }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: qsTr("请用电话拨打法律服务热线：")
            color: Theme.ink
            font.pixelSize: Theme.fontLarge
        }
        Row {
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: Theme.px(24)
            Rectangle {
                width: Theme.px(110)
                height: width
                radius: width / 2
                color: Theme.call
                anchors.verticalCenter: parent.verticalCenter
                Image {
                    anchors.centerIn: parent
                    source: "../common/icons/phone.svg"
                    width: parent.width * 0.6
                    height: width
                    sourceSize.width: width
                    sourceSize.height: height
                }
            }
            Text {
                objectName: "hotlineNumber"
                text: screen.vm ? screen.vm.hotline : "12348"
                color: Theme.primary
                font.pixelSize: Theme.fontHuge / Theme.textScale  // the words above grow instead
                font.bold: true
                lineHeight: 0.8  // digits need no room for the CJK line spacing
            }
        }
    }

    Row {
        // Near the bottom, but never over the hotline when the message runs to more lines.
        y: Math.max(content.y + content.height + Theme.px(24), parent.height - height - Theme.px(48))
        anchors.horizontalCenter: parent.horizontalCenter
        spacing: Theme.px(40)

        BigButton {
            objectName: "backButton"
            width: Theme.px(440)
            text: qsTr("返回首页")
            iconSource: "../common/icons/back.svg"
            colour: Theme.primary
            onClicked: screen.vm.goHome()
        }
        BigButton {
            objectName: "callbackButton"
            visible: screen.vm !== null && screen.vm.callbackOffered
            width: Theme.px(440)
            text: qsTr("请律师回电")
            iconSource: "../common/icons/phone.svg"
            colour: Theme.call
            onClicked: screen.vm.offerCallback()
        }
    }
}
