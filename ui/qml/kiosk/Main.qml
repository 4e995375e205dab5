import QtQuick
import QtQuick.Window
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Settings
import QtQuick.VirtualKeyboard.Styles
import common

// The kiosk's root window: one screen at a time, chosen by the view-model, and the on-screen keyboard.
Window {
    id: root
    required property QtObject vm
    property QtObject consultVm: null  // 法律咨询 (ui/consult_vm.py)
    property string keyboardLocale: "zh_CN"
    // Where the keyboard keeps learned words (read by tests; the session wipe empties it).
    readonly property string keyboardUserDataPath: VirtualKeyboardSettings.userDataPath
    // Height of the keyboard's candidate bar (checked by tests: large enough for elderly eyes).
    readonly property real candidateBarHeight: inputPanel.keyboard.style ? inputPanel.keyboard.style.selectionListHeight : 0

    width: 1280
    height: 800
    color: Theme.background
    title: qsTr("村居公共法律服务")

    onWidthChanged: Theme.zoom = Math.max(1.0, Math.min(width / 1280, height / 800))
    onHeightChanged: Theme.zoom = Math.max(1.0, Math.min(width / 1280, height / 800))

    Item {
        id: page
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: parent.top
        // The screen shrinks above the keyboard while it is open, so a text field stays visible.
        anchors.bottom: inputPanel.visible ? inputPanel.top : parent.bottom

        Loader {
            id: screenLoader
            objectName: "screenLoader"
            anchors.fill: parent
            sourceComponent: {
                switch (root.vm ? root.vm.screen : "") {
                case "connecting": return connectingScreen
                case "call": return callScreen
                case "no_lawyer": return noLawyerScreen
                case "failed": return failedScreen
                case "ended": return endedScreen
                case "consult": return consultScreen
                default: return homeScreen
                }
            }
        }
    }

    Component { id: homeScreen; HomeScreen { vm: root.vm } }
    Component { id: connectingScreen; ConnectingScreen { vm: root.vm } }
    Component { id: callScreen; CallScreen { vm: root.vm } }
    Component { id: noLawyerScreen; NoLawyerScreen { vm: root.vm } }
    Component { id: failedScreen; FailedScreen { vm: root.vm } }
    Component { id: endedScreen; EndedScreen { vm: root.vm } }
    Component { id: consultScreen; ConsultScreen { vm: root.vm; consult: root.consultVm } }

    InputPanel {
        id: inputPanel
        objectName: "inputPanel"
        z: 100
        x: 0
        width: root.width
        y: active ? root.height - height : root.height
        visible: active
    }

    // The keyboard's 汉字 candidates in large type: the built-in style's are too small for elderly eyes.
    Component {
        id: largeCandidate
        SelectionListItem {
            id: candidateItem
            width: candidateText.implicitWidth + 2 * Theme.px(28)
            Text {
                id: candidateText
                anchors.centerIn: parent
                text: display
                color: candidateItem.ListView.isCurrentItem ? "#FFE082" : "#FFFFFF"
                font.pixelSize: Theme.text(44)
            }
        }
    }

    function enlargeCandidates() {
        const style = inputPanel.keyboard.style
        if (!style)
            return
        style.selectionListHeight = Theme.px(96)
        style.selectionListDelegate = largeCandidate
    }

    Connections {
        target: inputPanel.keyboard
        function onStyleChanged() { root.enlargeCandidates() }
    }

    Component.onCompleted: {
        enlargeCandidates()
        Theme.zoom = Math.max(1.0, Math.min(width / 1280, height / 800))
        VirtualKeyboardSettings.locale = root.keyboardLocale
        // The language key switches only between the kiosk's language and English.
        VirtualKeyboardSettings.activeLocales = root.keyboardLocale === "en_US" ? ["en_US"] : [root.keyboardLocale, "en_US"]
        // Learned words are personal data on a shared terminal: keep them in the session's folder.
        if (root.vm.keyboardDataPath !== "")
            VirtualKeyboardSettings.userDataPath = root.vm.keyboardDataPath
    }
}
