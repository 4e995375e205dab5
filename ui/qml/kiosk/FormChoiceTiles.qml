import QtQuick
import QtQuick.Controls.Basic
import common

// Choice tiles: one big tile per option; the chosen one turns green with a tick.
Item {
    id: tiles
    property QtObject forms
    readonly property var options: forms.fieldOptions
    readonly property int columns: options.length > 6 ? 3 : options.length > 3 ? 2 : options.length
    readonly property int rows: Math.ceil(options.length / Math.max(1, columns))

    Flickable {
        id: flick
        anchors.fill: parent
        readonly property bool scrolls: contentHeight > height + 1
        ScrollBar.vertical: ScrollBar { width: Theme.px(18); policy: flick.scrolls ? ScrollBar.AlwaysOn : ScrollBar.AlwaysOff }
        contentHeight: grid.height
        clip: true
        boundsBehavior: Flickable.StopAtBounds
        Grid {
            id: grid
            width: flick.width - (flick.scrolls ? Theme.px(30) : 0)
            columns: tiles.columns
            spacing: Theme.px(14)
            readonly property real cellWidth: (width - (columns - 1) * spacing) / columns
            readonly property real cellHeight: Math.max(Theme.px(100), Math.min(Theme.px(150), (tiles.height - (tiles.rows - 1) * spacing) / tiles.rows))
            Repeater {
                model: tiles.options
                Rectangle {
                    id: tile
                    readonly property bool chosen: tiles.forms.fieldValue === modelData.value
                    objectName: "choice_" + modelData.value
                    width: grid.cellWidth
                    height: grid.cellHeight
                    radius: Theme.radius / 2
                    color: chosen ? Theme.call : Theme.surface
                    border.color: chosen ? Theme.call : Theme.border
                    border.width: 3
                    Column {
                        anchors.verticalCenter: parent.verticalCenter
                        anchors.left: parent.left
                        anchors.right: parent.right
                        anchors.margins: Theme.px(14)
                        spacing: Theme.px(2)
                        Text {
                            width: parent.width
                            text: (tile.chosen ? "✔ " : "") + modelData.label
                            font.pixelSize: Theme.fontBody
                            font.bold: true
                            color: tile.chosen ? Theme.onColour : Theme.ink
                            wrapMode: Text.WordWrap
                            maximumLineCount: 2
                            elide: Text.ElideRight
                            lineHeight: 0.95
                        }
                        Text {
                            visible: modelData.help !== "" && grid.cellHeight > Theme.px(110)
                            width: parent.width
                            text: modelData.help
                            font.pixelSize: Theme.text(24)
                            color: tile.chosen ? Theme.onColour : Theme.inkSoft
                            wrapMode: Text.WordWrap
                            maximumLineCount: 1
                            elide: Text.ElideRight
                        }
                    }
                    MouseArea {
                        anchors.fill: parent
                        onClicked: tiles.forms.setValue(modelData.value)
                    }
                }
            }
        }
    }
}
