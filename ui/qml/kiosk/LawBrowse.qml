import QtQuick
import QtQuick.Controls.Basic
import common

// 按法律查找: one level of the law tree at a time (categories, laws, 编/章/节, articles).
Item {
    id: page
    property QtObject consult
    readonly property QtObject laws: consult ? consult.laws : null

    Text {
        id: trail
        objectName: "lawTrail"
        anchors.top: parent.top
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.margins: Theme.margin
        visible: text !== ""
        text: page.laws ? page.laws.trail : ""
        color: Theme.inkSoft
        font.pixelSize: Theme.fontBody
        elide: Text.ElideMiddle
    }

    Text {
        anchors.centerIn: parent
        width: parent.width - 2 * Theme.margin
        visible: page.consult !== null && !page.consult.engineReady
        text: qsTr("法律条文还在准备中，请稍等。")
        color: Theme.ink
        font.pixelSize: Theme.fontLarge
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.WordWrap
    }

    ListView {
        id: list
        objectName: "lawList"
        anchors.top: trail.visible ? trail.bottom : parent.top
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: Theme.margin
        anchors.topMargin: Theme.px(12)
        clip: true
        spacing: Theme.px(12)
        model: page.laws ? page.laws.rows : []
        ScrollBar.vertical: ScrollBar { width: Theme.px(24); policy: ScrollBar.AlwaysOn }
        delegate: ConsultResultRow {
            required property var modelData
            required property int index
            objectName: "lawRow_" + index
            width: list.width - Theme.px(40)
            title: modelData.title
            detail: modelData.detail
            onClicked: page.laws.open(index)
        }
    }
}
