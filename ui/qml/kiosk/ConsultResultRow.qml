import QtQuick
import QtQuick.Controls.Basic
import common

// One search result: a title in large type and, for articles, a piece of the text.
Button {
    id: row
    property string title: ""
    property string detail: ""
    property bool emphasised: false
    height: Math.max(Theme.touchMin + Theme.px(16), texts.implicitHeight + Theme.px(28))
    text: title
    background: Rectangle {
        radius: Theme.radius
        color: row.down ? "#E3ECF7" : (row.emphasised ? "#E8F0FA" : Theme.surface)
        border.color: row.emphasised ? Theme.consult : Theme.border
        border.width: row.emphasised ? 4 : 2
    }
    contentItem: Column {
        id: texts
        leftPadding: Theme.px(20)
        rightPadding: Theme.px(20)
        spacing: Theme.px(4)
        Text {
            width: row.width - Theme.px(40)
            text: row.title
            color: row.emphasised ? Theme.consult : Theme.ink
            font.pixelSize: Theme.fontLarge
            font.bold: row.emphasised
            wrapMode: Text.WordWrap
        }
        Text {
            width: row.width - Theme.px(40)
            visible: row.detail !== ""
            text: row.detail
            color: Theme.inkSoft
            font.pixelSize: Theme.fontBody
            wrapMode: Text.WordWrap
            maximumLineCount: 2
            elide: Text.ElideRight
        }
    }
}
