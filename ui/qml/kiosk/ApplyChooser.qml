import QtQuick
import common

// The chooser: one big tile per application form, and 查询办理进度.
Item {
    id: page
    property QtObject forms

    Grid {
        id: grid
        readonly property int count: page.forms.formList.length + 1
        columns: 3
        readonly property real tileWidth: (width - (columns - 1) * columnSpacing) / columns
        readonly property real tileHeight: (height - (Math.ceil(count / columns) - 1) * rowSpacing) / Math.ceil(count / columns)
        anchors.fill: parent
        anchors.margins: Theme.margin
        anchors.bottomMargin: Theme.buttonHeight + Theme.px(56)
        rowSpacing: Theme.px(24)
        columnSpacing: Theme.px(24)

        Repeater {
            model: page.forms.formList
            Tile {
                objectName: "formTile_" + modelData.id
                width: grid.tileWidth
                height: grid.tileHeight
                text: modelData.title
                colour: Theme.apply
                iconSource: "../common/icons/form.svg"
                onClicked: page.forms.openForm(modelData.id)
            }
        }
        Tile {
            objectName: "statusTile"
            width: grid.tileWidth
            height: grid.tileHeight
            text: qsTr("查询办理进度")
            subtitle: qsTr("用受理号查")
            colour: Theme.primary
            iconSource: "../common/icons/check.svg"
            onClicked: page.forms.openStatus()
        }
    }

    BigButton {
        objectName: "homeButton"
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        anchors.bottomMargin: Theme.px(24)
        text: qsTr("返回首页")
        colour: Theme.neutral
        iconSource: "../common/icons/back.svg"
        onClicked: page.forms.home()
    }
}
