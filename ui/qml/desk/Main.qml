import QtQuick
import QtQuick.Window
import common

// The lawyer desk's root window: login, duty, ringing and call screens chosen by the view-model.
Window {
    id: root
    required property QtObject vm
    // 村民申请 (ui/desk_forms_vm.py); absent in apps that do not pass it.
    property QtObject applications: null
    // Wrap-up, break notice and callbacks (ui/desk_panels_vm.py); absent in apps that do not pass it.
    property QtObject panels: null
    property bool showApplications: false

    width: 1280
    height: 800
    minimumWidth: 1024
    minimumHeight: 700
    color: Theme.background
    title: qsTr("律师工作台")

    Loader {
        objectName: "screenLoader"
        anchors.fill: parent
        sourceComponent: {
            switch (root.vm ? root.vm.screen : "") {
            case "duty": return dutyScreen
            case "ringing": return ringingScreen
            case "call": return callScreen
            default: return loginScreen
            }
        }
    }

    Component { id: loginScreen; LoginScreen { vm: root.vm } }
    Component { id: dutyScreen; DutyScreen { vm: root.vm; panels: root.panels } }
    Component { id: ringingScreen; RingingScreen { vm: root.vm } }
    Component { id: callScreen; CallScreen { vm: root.vm; help: root.vm.help } }

    // The 申请 tab over the duty screen (a ringing call takes the screen back).
    BigButton {
        objectName: "applicationsTabButton"
        visible: root.applications !== null && root.vm.screen === "duty" && !root.showApplications
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: Theme.margin
        text: qsTr("村民申请")
        colour: Theme.apply
        onClicked: { root.showApplications = true; root.applications.refresh() }
    }
    Loader {
        anchors.fill: parent
        active: root.applications !== null && root.vm.screen === "duty" && root.showApplications
        sourceComponent: ApplicationsTab {
            apps: root.applications
            onCloseRequested: root.showApplications = false
        }
    }

    // An offered call brings the window to the front, even from behind other windows.
    Connections {
        target: root.vm
        function onRingStarted() {
            if (root.visibility === Window.Minimized)
                root.showNormal()
            if (Qt.platform.pluginName !== "offscreen") {  // the offscreen platform cannot raise
                root.raise()
                root.requestActivate()
            }
            root.alert(0)
        }
    }
}
