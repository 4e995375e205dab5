import QtQuick
import common

// What a staff member can do for the villager beside them.
Rectangle {
    id: screen
    objectName: "staffMenuScreen"
    property QtObject access
    property QtObject staff
    color: Theme.background

    TopBar {
        id: bar
        anchors.left: parent.left
        anchors.right: parent.right
        title: qsTr("工作人员模式")
        hint: screen.staff && screen.staff.staffId !== "" ? qsTr("工号 %1").arg(screen.staff.staffId) : ""
    }

    Grid {
        id: grid
        readonly property real cellWidth: (width - columnSpacing) / 2
        readonly property real cellHeight: (height - 2 * rowSpacing) / 3
        anchors.top: bar.bottom
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: Theme.margin
        columns: 2
        rowSpacing: Theme.px(20)
        columnSpacing: Theme.margin
        BigButton {
            objectName: "staffCall"
            width: grid.cellWidth; height: grid.cellHeight
            text: qsTr("代为呼叫律师")
            iconSource: "../common/icons/video.svg"
            colour: Theme.call
            onClicked: screen.staff.callForVillager()
        }
        BigButton {
            objectName: "staffForm"
            width: grid.cellWidth; height: grid.cellHeight
            text: qsTr("协助填表")
            iconSource: "../common/icons/form.svg"
            colour: Theme.apply
            onClicked: screen.staff.assistForm()
        }
        BigButton {
            objectName: "staffMatters"
            width: grid.cellWidth; height: grid.cellHeight
            text: qsTr("本机事项")
            iconSource: "../common/icons/check.svg"
            colour: Theme.primary
            onClicked: screen.staff.showMatters()
        }
        BigButton {
            objectName: "staffSelfTest"
            width: grid.cellWidth; height: grid.cellHeight
            text: qsTr("设备自检")
            iconSource: "../common/icons/camera.svg"
            colour: Theme.help
            onClicked: screen.staff.selfTest()
        }
        BigButton {
            objectName: "staffBackHome"
            width: grid.cellWidth; height: grid.cellHeight
            text: qsTr("回到首页")
            iconSource: "../common/icons/back.svg"
            colour: Theme.neutral
            onClicked: screen.access.close()
        }
        BigButton {
            objectName: "staffLeave"
            width: grid.cellWidth; height: grid.cellHeight
            text: qsTr("退出工作人员模式")
            iconSource: "../common/icons/close.svg"
            colour: Theme.danger
            onClicked: screen.staff.leave()
        }
    }
}
