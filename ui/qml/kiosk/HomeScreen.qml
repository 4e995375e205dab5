import QtQuick
import common

// Four large tiles. Tiles not built yet say so plainly when tapped.
Rectangle {
    id: screen
    objectName: "homeScreen"
    property QtObject vm
    color: Theme.background

    TopBar {
        id: bar
        anchors.left: parent.left
        anchors.right: parent.right
        title: qsTr("村居公共法律服务")
        hint: qsTr("法律服务热线 %1").arg(screen.vm ? screen.vm.hotline : "12348")
    }

    Grid {
        id: grid
        readonly property real tileWidth: (width - columnSpacing) / 2
        readonly property real tileHeight: (height - rowSpacing) / 2
        anchors.top: bar.bottom
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: Theme.margin
        columns: 2
        rowSpacing: Theme.margin
        columnSpacing: Theme.margin

        Tile {
            objectName: "consultTile"
            width: grid.tileWidth
            height: grid.tileHeight
            text: qsTr("法律咨询")
            subtitle: qsTr("常见问题和法律条文")
            colour: Theme.consult
            iconSource: "../common/icons/scales.svg"
            onClicked: screen.vm.tapTile("consult")
        }
        Tile {
            objectName: "applyTile"
            width: grid.tileWidth
            height: grid.tileHeight
            text: qsTr("办事申请")
            subtitle: qsTr("法律援助、调解、公证预约")
            colour: Theme.apply
            iconSource: "../common/icons/form.svg"
            onClicked: screen.vm.tapTile("apply")
        }
        Tile {
            objectName: "callTile"
            width: grid.tileWidth
            height: grid.tileHeight
            text: qsTr("律师视频")
            subtitle: qsTr("和值班律师面对面说话")
            colour: Theme.call
            iconSource: "../common/icons/video.svg"
            onClicked: screen.vm.tapTile("call")
        }
        Tile {
            objectName: "helpTile"
            width: grid.tileWidth
            height: grid.tileHeight
            text: qsTr("使用帮助")
            subtitle: qsTr("一步一步教您使用")
            colour: Theme.help
            iconSource: "../common/icons/help.svg"
            onClicked: screen.vm.tapTile("help")
        }
    }

    // The plain "not built yet" notice, over the whole screen until 知道了 is tapped.
    Rectangle {
        objectName: "noticeOverlay"
        anchors.fill: parent
        visible: screen.vm !== null && screen.vm.notice !== ""
        color: "#B0000000"
        MouseArea { anchors.fill: parent }  // taps outside the card do nothing
        Rectangle {
            anchors.centerIn: parent
            width: Math.min(parent.width - 2 * Theme.margin, Theme.px(900))
            height: noticeColumn.implicitHeight + 2 * Theme.margin
            radius: Theme.radius
            color: Theme.surface
            border.color: Theme.border
            border.width: 3
            Column {
                id: noticeColumn
                anchors.centerIn: parent
                width: parent.width - 2 * Theme.margin
                spacing: Theme.margin
                Text {
                    objectName: "noticeText"
                    width: parent.width
                    text: screen.vm ? screen.vm.notice : ""
                    color: Theme.ink
                    font.pixelSize: Theme.fontLarge
                    wrapMode: Text.WordWrap
                    horizontalAlignment: Text.AlignHCenter
                }
                BigButton {
                    objectName: "noticeOk"
                    anchors.horizontalCenter: parent.horizontalCenter
                    text: qsTr("知道了")
                    iconSource: "../common/icons/check.svg"
                    colour: Theme.primary
                    onClicked: screen.vm.dismissNotice()
                }
            }
        }
    }
}
