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
    // Accessibility, staff mode and self-test (issue 6); null in tests of the call screens alone.
    property QtObject access: null
    property QtObject staff: null
    property QtObject selftest: null
    property QtObject handwriting: null
    property QtObject audioRoute: null  // 耳机/外放 on the call screen (ui/audio_route_vm.py)
    property QtObject consultVm: null  // 法律咨询 (ui/consult_vm.py)
    property string keyboardLocale: "zh_CN"
    // Where the keyboard keeps learned words (read by tests; the session wipe empties it).
    readonly property string keyboardUserDataPath: VirtualKeyboardSettings.userDataPath
    readonly property string keyboardActiveLocale: VirtualKeyboardSettings.locale  // read by tests
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
        anchors.bottom: inputPanel.visible ? inputPanel.top : (accessBar.visible ? accessBar.top : parent.bottom)

        Loader {
            id: screenLoader
            objectName: "screenLoader"
            anchors.fill: parent
            sourceComponent: {
                switch (root.access ? root.access.screen : "") {
                case "attract": return attractScreen
                case "help": return helpScreen
                case "staff_pin": return staffPinScreen
                case "staff_menu": return staffMenuScreen
                case "staff_matters": return staffMattersScreen
                case "selftest": return selfTestScreen
                case "out_of_service": return outOfServiceScreen
                }
                switch (root.vm ? root.vm.screen : "") {
                case "connecting": return connectingScreen
                case "call": return callScreen
                case "no_lawyer": return noLawyerScreen
                case "failed": return failedScreen
                case "ended": return endedScreen
                case "apply": return applyScreen
                case "consult": return consultScreen
                case "topics": return callTopicsScreen
                case "callback": return callbackScreen
                case "rating": return ratingScreen
                default: return homeScreen
                }
            }
            onLoaded: {
                if (root.access && root.access.readOnArrival && root.access.screen !== "attract")
                    Qt.callLater(root.readScreen)
            }
        }
    }

    // --- accessibility (issue 6): corner bar, idle question, read-aloud, session reset ---------------
    Component { id: attractScreen; AttractScreen { access: root.access } }
    Component { id: helpScreen; HelpScreen { access: root.access; staff: root.staff } }
    Component { id: staffPinScreen; StaffPinScreen { access: root.access; staff: root.staff } }
    Component { id: staffMenuScreen; StaffMenuScreen { access: root.access; staff: root.staff } }
    Component { id: staffMattersScreen; StaffMattersScreen { access: root.access; staff: root.staff } }
    Component { id: selfTestScreen; SelfTestScreen { access: root.access; staff: root.staff; selftest: root.selftest } }
    Component { id: outOfServiceScreen; OutOfServiceScreen { access: root.access } }

    AccessBar {
        id: accessBar
        objectName: "accessBar"
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        // Not over a video call (the lawyer's face and 挂断 need the room) nor over 暂停服务.
        visible: root.access !== null && !inputPanel.visible && root.access.screen !== "out_of_service"
                 && !(root.access.screen === "" && root.vm.screen === "call")
        access: root.access
        onHome: root.access !== null && root.access.screen === "" && root.vm.screen === "home"
        onReadRequested: root.readScreen()
    }

    Rectangle {
        objectName: "accessNoticeBanner"
        visible: root.access !== null && root.access.notice !== ""
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: accessBar.top
        height: noticeLine.implicitHeight + Theme.px(24)
        color: "#FFD54F"
        Text {
            id: noticeLine
            objectName: "accessNotice"
            anchors.left: parent.left
            anchors.right: closeNotice.left
            anchors.margins: Theme.px(16)
            anchors.verticalCenter: parent.verticalCenter
            wrapMode: Text.WordWrap
            text: root.access ? root.access.notice : ""
            color: "#000000"
            font.pixelSize: Theme.fontBody
        }
        BarButton {
            id: closeNotice
            objectName: "accessNoticeClose"
            anchors.right: parent.right
            anchors.rightMargin: Theme.px(16)
            anchors.verticalCenter: parent.verticalCenter
            text: qsTr("知道了")
            onClicked: root.access.dismissNotice()
        }
    }

    IdleDialog {
        anchors.fill: parent
        z: 50
        visible: root.access !== null && root.access.asking
        access: root.access
    }

    // The words a screen reads aloud: its own readableText, else every visible text on it in order.
    function screenText(item) {
        if (!item || !item.visible)
            return ""
        if (item.readableText !== undefined && item.readableText !== "")
            return item.readableText
        const parts = []
        const walk = (node) => {
            if (!node || !node.visible)
                return
            const isText = typeof node.text === "string" && node.font !== undefined
                && node.wrapMode !== undefined && node.echoMode === undefined && node.textDocument === undefined
            if (isText && node.text.trim() !== "" && parts[parts.length - 1] !== node.text)
                parts.push(node.text)
            for (let i = 0; i < node.children.length; ++i)
                walk(node.children[i])
        }
        walk(item)
        return parts.join("。")
    }
    function readScreen() {
        if (root.access)
            root.access.readAloud(root.screenText(screenLoader.item))
    }

    Binding { target: Theme; property: "textScale"; value: root.access ? root.access.textScale : 1.0 }
    Binding { target: Theme; property: "highContrast"; value: root.access ? root.access.elderMode : false }
    Binding { target: Input; property: "handwriting"; value: root.handwriting }

    function applyKeyboardLocale() {
        VirtualKeyboardSettings.locale = root.keyboardLocale
        // The language key switches only between the kiosk's language and English.
        VirtualKeyboardSettings.activeLocales = root.keyboardLocale === "en_US" ? ["en_US"] : [root.keyboardLocale, "en_US"]
    }

    Connections {
        target: root.access
        function onLanguageSwitched() {
            root.keyboardLocale = root.access.keyboardLocale
            root.applyKeyboardLocale()
            root.vm.retranslate()  // the words the view-model makes (topic tiles) in the new language
        }
        // Nothing of the last person stays: every screen is built anew, the keyboard forgets.
        function onSessionEnded() {
            root.forgetLearnedWords()
            Qt.inputMethod.hide()
            screenLoader.active = false
            screenLoader.active = true
            VirtualKeyboardSettings.userDataPath = root.access.keyboardDataPath
        }
    }

    // Pinyin learns words in memory and in its own file, ignoring userDataPath (ui/keyboard_words.py).
    // Focus on a field for sensitive data makes it write the words out and close its dictionary; the
    // file is shredded; focus on an ordinary field makes it open a new, empty one.
    TextInput {
        id: forgetField
        objectName: "keyboardForgetField"
        width: 1
        height: 1
        opacity: 0
        activeFocusOnTab: false
        inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
    }
    TextInput {
        id: reopenField
        width: 1
        height: 1
        opacity: 0
        activeFocusOnTab: false
    }
    function forgetLearnedWords() {
        forgetField.forceActiveFocus()
        root.access.forgetKeyboardWords()
        reopenField.forceActiveFocus()
        reopenField.focus = false
    }

    Component { id: homeScreen; HomeScreen { vm: root.vm } }
    Component { id: connectingScreen; ConnectingScreen { vm: root.vm } }
    Component { id: callScreen; CallScreen { vm: root.vm; audioRoute: root.audioRoute } }
    Component { id: noLawyerScreen; NoLawyerScreen { vm: root.vm } }
    Component { id: failedScreen; FailedScreen { vm: root.vm } }
    Component { id: endedScreen; EndedScreen { vm: root.vm } }
    Component { id: applyScreen; ApplyScreen { forms: root.vm.forms } }
    Component { id: consultScreen; ConsultScreen { vm: root.vm; consult: root.consultVm } }
    Component { id: callTopicsScreen; CallTopicsScreen { vm: root.vm } }
    Component { id: callbackScreen; CallbackScreen { vm: root.vm } }
    Component { id: ratingScreen; RatingScreen { vm: root.vm } }

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
        applyKeyboardLocale()
        // Learned words are personal data on a shared terminal: keep them in the session's folder.
        if (root.access && root.access.keyboardDataPath !== "")
            VirtualKeyboardSettings.userDataPath = root.access.keyboardDataPath
        else if (root.vm.keyboardDataPath !== "")
            VirtualKeyboardSettings.userDataPath = root.vm.keyboardDataPath
    }
}
