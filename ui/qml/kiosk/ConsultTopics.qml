import QtQuick
import QtQuick.Controls.Basic
import common

// The 14 topics as picture tiles, with the search box and 按法律查找 above them.
Item {
    id: page
    property QtObject consult
    readonly property var colours: ["#0B4F9C", "#7A3E00", "#5B2B82", "#12703A", "#8A1C1C", "#005F73",
        "#6B4E00", "#2E6B1F", "#7A2E5B", "#1F4E79", "#8A3B00", "#0F5C4A", "#9B1B30", "#3D4A8C"]

    Row {
        id: topRow
        anchors.top: parent.top
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.margins: Theme.margin
        spacing: Theme.margin
        height: Theme.buttonHeight

        Button {
            id: searchBox
            objectName: "consultSearchBox"
            width: parent.width - lawsButton.width - parent.spacing
            height: parent.height
            Accessible.name: qsTr("搜索问题")
            background: Rectangle {
                radius: Theme.radius
                color: searchBox.down ? "#E3ECF7" : Theme.surface
                border.color: Theme.consult
                border.width: 4
            }
            contentItem: Row {
                spacing: Theme.px(16)
                leftPadding: Theme.px(16)
                Image {
                    anchors.verticalCenter: parent.verticalCenter
                    source: "../common/icons/consult_search.svg"
                    width: Theme.px(56)
                    height: width
                    sourceSize.width: width
                    sourceSize.height: height
                    layer.enabled: false
                    Rectangle { anchors.fill: parent; radius: width / 2; color: Theme.consult; z: -1 }
                }
                Text {
                    anchors.verticalCenter: parent.verticalCenter
                    width: searchBox.width - Theme.px(120)
                    text: qsTr("点这里输入您的问题，比如：老板欠工资")
                    color: Theme.inkSoft
                    font.pixelSize: Theme.fontLarge
                    elide: Text.ElideRight
                }
            }
            onClicked: page.consult.openSearch()
        }
        BigButton {
            id: lawsButton
            objectName: "consultLawsButton"
            height: parent.height
            text: qsTr("按法律查找")
            iconSource: "../common/icons/consult_book.svg"
            colour: Theme.neutral
            onClicked: page.consult.openLaws()
        }
    }

    Grid {
        id: grid
        anchors.top: topRow.bottom
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: Theme.margin
        columns: 5
        spacing: Theme.px(20)
        readonly property int rowsNeeded: Math.ceil(topicRepeater.count / columns)
        readonly property real tileWidth: (width - (columns - 1) * spacing) / columns
        readonly property real tileHeight: (height - (rowsNeeded - 1) * spacing) / rowsNeeded

        Repeater {
            id: topicRepeater
            model: page.consult ? page.consult.topics : []
            delegate: Button {
                id: tile
                required property var modelData
                required property int index
                objectName: "topic_" + modelData.slug
                width: grid.tileWidth
                height: grid.tileHeight
                Accessible.name: modelData.name
                background: Rectangle {
                    radius: Theme.radius
                    color: tile.down ? Qt.darker(page.colours[tile.index % page.colours.length], 1.3)
                                     : page.colours[tile.index % page.colours.length]
                }
                contentItem: Item {
                    Column {
                        anchors.centerIn: parent
                        width: parent.width
                        spacing: Theme.px(6)
                        Image {
                            anchors.horizontalCenter: parent.horizontalCenter
                            source: "../common/icons/topics/" + tile.modelData.slug + ".svg"
                            width: Math.min(Theme.px(80), tile.height * 0.4)
                            height: width
                            sourceSize.width: width
                            sourceSize.height: height
                        }
                        Text {
                            width: parent.width
                            height: Math.min(tile.height * 0.5, Theme.fontBody * 2.6)
                            horizontalAlignment: Text.AlignHCenter
                            verticalAlignment: Text.AlignVCenter
                            text: tile.modelData.name
                            color: Theme.onColour
                            font.pixelSize: Theme.text(32)
                            font.bold: true
                            wrapMode: Text.Wrap
                            fontSizeMode: Text.Fit
                            minimumPixelSize: Theme.text(24)
                        }
                    }
                }
                onClicked: page.consult.openTopic(modelData.slug)
            }
        }
    }
}
