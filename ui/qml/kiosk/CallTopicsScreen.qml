import QtQuick
import QtQuick.Controls.Basic
import common

// 律师视频, first step: what is it about? Big picture tiles; 不知道 is fine too. The last tile is 返回.
Rectangle {
    id: screen
    objectName: "callTopicsScreen"
    property QtObject vm
    readonly property var colours: ["#0B4F9C", "#8A1C1C", "#7A3E00", "#5B2B82", "#12703A", "#005F73",
        "#6B4E00", "#2E6B1F", "#7A2E5B", "#1F4E79", "#3D4A8C"]
    color: Theme.background

    TopBar {
        id: bar
        anchors.left: parent.left
        anchors.right: parent.right
        title: qsTr("您想问哪方面的事？")
    }

    Grid {
        id: grid
        anchors.top: bar.bottom
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: Theme.margin
        columns: 4
        spacing: Theme.px(20)
        readonly property int rowsNeeded: Math.ceil((topicRepeater.count + 1) / columns)
        readonly property real tileWidth: (width - (columns - 1) * spacing) / columns
        readonly property real tileHeight: (height - (rowsNeeded - 1) * spacing) / rowsNeeded

        FontMetrics {
            id: hintLine
            font.pixelSize: Theme.fontBody
        }

        Repeater {
            id: topicRepeater
            model: screen.vm ? screen.vm.callTopics : []
            delegate: Button {
                id: tile
                required property var modelData
                required property int index
                objectName: "callTopic_" + modelData.tile
                text: modelData.label
                width: grid.tileWidth
                height: grid.tileHeight
                Accessible.name: modelData.label
                background: Rectangle {
                    radius: Theme.radius
                    color: tile.down ? Qt.darker(screen.colours[tile.index % screen.colours.length], 1.3)
                                     : screen.colours[tile.index % screen.colours.length]
                }
                contentItem: Item {
                    Column {
                        anchors.centerIn: parent
                        width: parent.width
                        spacing: Theme.px(6)
                        Image {
                            anchors.horizontalCenter: parent.horizontalCenter
                            source: "../common/icons/call_topics/" + tile.modelData.tile + ".svg"
                            // The picture gives way to the words when they grow (elder mode). Room for a
                            // hint line is kept on every tile, so the pictures are one size whether or
                            // not a tile has a hint (优先接听).
                            width: Math.max(0, Math.min(Theme.px(88), tile.height - labelText.height
                                                        - hintLine.height - Theme.px(30)))
                            visible: width >= Theme.px(32)
                            height: width
                            sourceSize.width: width
                            sourceSize.height: height
                        }
                        Text {
                            id: labelText
                            width: parent.width
                            horizontalAlignment: Text.AlignHCenter
                            text: tile.modelData.label
                            color: Theme.onColour
                            // One line at full size when it fits; longer words (other languages, elder
                            // mode) wrap onto more lines at a smaller size instead of running out of the tile.
                            readonly property bool oneLine: labelWidth.advanceWidth <= width
                            font.pixelSize: oneLine ? Theme.text(40) : Math.max(Theme.px(28), Theme.text(24))
                            font.bold: true
                            wrapMode: oneLine ? Text.NoWrap : Text.WordWrap
                            maximumLineCount: 3
                            elide: Text.ElideRight
                            TextMetrics {
                                id: labelWidth
                                font.pixelSize: Theme.text(40)
                                font.bold: true
                                text: tile.modelData.label
                            }
                        }
                        Text {
                            id: hintText
                            width: parent.width
                            visible: text !== ""
                            height: visible ? implicitHeight : 0
                            horizontalAlignment: Text.AlignHCenter
                            text: tile.modelData.hint
                            color: Theme.onColour
                            font.pixelSize: labelText.lineCount > 2 ? Theme.px(28) : Theme.fontBody  // room for 3 lines
                            fontSizeMode: Text.HorizontalFit
                            minimumPixelSize: Theme.px(28)  // may step below the elder size to stay inside
                        }
                    }
                }
                onClicked: screen.vm.chooseTopic(modelData.tile)
            }
        }

        BigButton {
            objectName: "topicsBackButton"
            width: grid.tileWidth
            height: grid.tileHeight
            implicitWidth: width
            text: qsTr("返回")
            iconSource: "../common/icons/back.svg"
            colour: Theme.neutral
            onClicked: screen.vm.goHome()
        }
    }
}
