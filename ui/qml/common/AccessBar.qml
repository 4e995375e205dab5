import QtQuick

// The strip along the bottom of every screen: 大字, 朗读 and, on the home screen, the languages.
Rectangle {
    id: bar
    property QtObject access
    property bool onHome: false
    signal readRequested()

    implicitHeight: Math.max(Theme.touchMin, Theme.px(76)) + 2 * Theme.px(8)
    color: Theme.highContrast ? "#000000" : "#2B2F36"

    Row {
        id: leftRow
        anchors.left: parent.left
        anchors.leftMargin: Theme.px(16)
        anchors.verticalCenter: parent.verticalCenter
        spacing: Theme.px(16)
        BarButton {
            objectName: "elderButton"
            text: bar.access && bar.access.elderMode ? qsTr("小字") : qsTr("大字")
            iconSource: "icons/textsize.svg"
            on: bar.access !== null && bar.access.elderMode
            onClicked: bar.access.toggleElderMode()
        }
        BarButton {
            objectName: "readAloudButton"
            text: bar.access && bar.access.speaking ? qsTr("停止朗读") : qsTr("朗读")
            iconSource: "icons/speaker.svg"
            on: bar.access !== null && bar.access.speaking
            onClicked: bar.readRequested()
        }
    }

    Row {
        id: languageRow
        objectName: "languageButtons"
        visible: bar.onHome
        // Long words (English, elder mode) must not run into 大字/朗读: shrink the row to the room left.
        readonly property real room: bar.width - leftRow.x - leftRow.width - Theme.px(16) - Theme.px(24)
        scale: implicitWidth > 0 ? Math.min(1.0, room / implicitWidth) : 1.0
        transformOrigin: Item.Right
        anchors.right: parent.right
        anchors.rightMargin: Theme.px(16)
        anchors.verticalCenter: parent.verticalCenter
        spacing: Theme.px(12)
        // Each language is named in its own words, so a reader of it finds it.
        Repeater {
            model: [["zh_CN", "简体中文", "languageZhCN"], ["zh_TW", "繁體中文", "languageZhTW"], ["en", "English", "languageEn"]]
            BarButton {
                required property var modelData
                objectName: modelData[2]
                text: modelData[1]
                colour: Theme.primary
                on: bar.access !== null && bar.access.language === modelData[0]
                onClicked: bar.access.setLanguage(modelData[0])
            }
        }
    }
}
