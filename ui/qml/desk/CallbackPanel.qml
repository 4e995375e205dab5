import QtQuick
import QtQuick.Controls.Basic
import common

// 待回电: villagers who left a number; each with its tracking number, topic, place, phone and age.
Rectangle {
    id: panel
    objectName: "callbackPanel"
    property QtObject panels
    radius: Theme.radius
    color: Theme.surface
    border.color: "#C8C4BA"
    border.width: 2

    function ageText(minutes) {
        if (minutes < 1) return qsTr("刚刚")
        if (minutes < 60) return qsTr("%1 分钟前").arg(minutes)
        if (minutes < 24 * 60) return qsTr("%1 小时前").arg(Math.floor(minutes / 60))
        return qsTr("%1 天前").arg(Math.floor(minutes / (24 * 60)))
    }

    Text {
        id: heading
        objectName: "callbackHeading"
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: parent.top
        anchors.margins: Theme.px(20)
        text: panel.panels ? qsTr("待回电（%1）").arg(panel.panels.callbackCount) : ""
        color: Theme.ink
        font.pixelSize: Theme.fontLarge
        font.bold: true
        elide: Text.ElideRight
    }
    Text {
        objectName: "callbackError"
        id: errorLine
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: heading.bottom
        anchors.margins: Theme.px(20)
        anchors.topMargin: Theme.px(8)
        visible: panel.panels !== null && panel.panels.callbackError !== ""
        height: visible ? implicitHeight : 0
        text: panel.panels ? panel.panels.callbackError : ""
        color: Theme.danger
        font.pixelSize: Theme.text(24)
        wrapMode: Text.WordWrap
    }
    Text {
        objectName: "noCallbacks"
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: errorLine.bottom
        anchors.margins: Theme.px(20)
        visible: panel.panels !== null && panel.panels.callbackCount === 0
        text: qsTr("现在没有要回电的村民。")
        color: Theme.inkSoft
        font.pixelSize: Theme.fontBody
        wrapMode: Text.WordWrap
    }

    // The room for the cards; the list below takes only as much of it as whole cards fill, so no card
    // is ever shown cut in half (scrolling stops with a card at the top).
    Item {
        id: room
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: errorLine.bottom
        anchors.bottom: parent.bottom
        anchors.margins: Theme.px(16)
    }

    Flickable {
        id: list
        objectName: "callbackList"
        x: room.x
        y: room.y
        width: room.width
        height: fitted
        contentHeight: cards.height
        clip: true
        boundsBehavior: Flickable.StopAtBounds
        property int topIndex: 0  // the card at the top once scrolling stops
        property real fitted: 0  // the height of the whole cards that fit from topIndex down

        function refit() {
            const count = cardRepeater.count
            const first = count > 0 ? cardRepeater.itemAt(Math.min(topIndex, count - 1)) : null
            if (first === null) {
                fitted = 0
                return
            }
            let bottom = first.y + first.height
            for (let i = Math.min(topIndex, count - 1) + 1; i < count; ++i) {
                const card = cardRepeater.itemAt(i)
                if (card === null || card.y + card.height - first.y > room.height)
                    break
                bottom = card.y + card.height
            }
            fitted = Math.min(bottom - first.y, room.height)  // one card taller than the room: cut, as little as can be
        }
        // Scrolling stops with a whole card at the top: the next one down (or up) in the direction moved.
        function snap() {
            const count = cardRepeater.count
            let top = Math.max(0, Math.min(topIndex, count - 1))
            const at = count > 0 ? cardRepeater.itemAt(top) : null
            if (at === null) {
                topIndex = 0
                refit()
                contentY = 0
                return
            }
            if (contentY > at.y + 1) {  // down: the first card not wholly above the view
                for (let i = top + 1; i < count; ++i) {
                    const card = cardRepeater.itemAt(i)
                    top = i
                    if (card.y + card.height > contentY + 1)
                        break
                }
            } else if (contentY < at.y - 1) {  // up: the card the view's top is in
                for (let i = top - 1; i >= 0; --i) {
                    top = i
                    if (cardRepeater.itemAt(i).y <= contentY + 1)
                        break
                }
            }
            topIndex = top
            refit()
            contentY = cardRepeater.itemAt(top).y
        }
        onTopIndexChanged: refit()
        Connections {
            target: room
            function onHeightChanged() { list.refit() }
        }
        onMovementEnded: snap()
        ScrollBar.vertical: ScrollBar {
            visible: list.contentHeight > list.height  // only when the cards do not all fit
            policy: ScrollBar.AlwaysOn
        }

        Column {
            id: cards
            width: list.width - Theme.px(14)
            spacing: Theme.px(12)
            onPositioningComplete: list.snap()  // cards came, went or changed: whole ones, from the top one
            Repeater {
                id: cardRepeater
                model: panel.panels ? panel.panels.callbacks : []
                delegate: cardDelegate
            }
        }
    }

    Component {
        id: cardDelegate
        Rectangle {
            required property var modelData
            objectName: "callbackCard_" + modelData.callbackId
            width: cards.width
            height: card.implicitHeight + 2 * Theme.px(14)
            radius: Theme.px(12)
            color: "#F7F6F2"
            border.color: "#D9D5CC"
            Column {
                id: card
                anchors.fill: parent
                anchors.margins: Theme.px(14)
                spacing: Theme.px(6)
                Item {
                    width: parent.width
                    height: Math.max(number.implicitHeight, age.implicitHeight)
                    Text {
                        id: number
                        anchors.left: parent.left
                        anchors.right: age.left
                        anchors.rightMargin: Theme.px(12)
                        text: modelData.trackingNumber
                        color: Theme.inkSoft
                        font.pixelSize: Theme.text(22)
                        elide: Text.ElideRight
                    }
                    Text {
                        id: age
                        objectName: "callbackAge"
                        anchors.right: parent.right
                        text: panel.ageText(modelData.ageMinutes)
                        color: modelData.ageMinutes >= 60 ? Theme.danger : Theme.inkSoft
                        font.pixelSize: Theme.text(22)
                        font.bold: modelData.ageMinutes >= 60
                    }
                }
                Text {
                    width: parent.width
                    text: [modelData.topic, modelData.place].filter(s => s !== "").join(" · ")
                    color: Theme.ink
                    font.pixelSize: Theme.text(24)
                    wrapMode: Text.WordWrap
                }
                Item {
                    width: parent.width
                    height: Math.max(phone.implicitHeight, doneButton.height)
                    Text {
                        id: phone
                        objectName: "callbackPhone"
                        anchors.left: parent.left
                        anchors.right: doneButton.left
                        anchors.rightMargin: Theme.px(12)
                        anchors.verticalCenter: parent.verticalCenter
                        text: modelData.phone
                        color: Theme.primary
                        font.pixelSize: Theme.text(32)
                        font.bold: true
                        fontSizeMode: Text.HorizontalFit
                        minimumPixelSize: Theme.text(20)
                    }
                    BigButton {
                        id: doneButton
                        objectName: "callbackDone_" + modelData.callbackId
                        anchors.right: parent.right
                        anchors.verticalCenter: parent.verticalCenter
                        height: Theme.touchMin
                        implicitWidth: Math.max(Theme.px(170), contentItem.implicitWidth + Theme.px(40))
                        text: modelData.pending ? qsTr("提交中…") : qsTr("已回电")
                        fontSize: Theme.text(26)
                        colour: Theme.call
                        enabled: !modelData.pending
                        onClicked: panel.panels.callbackDone(modelData.callbackId)
                    }
                }
            }
        }
    }
}
