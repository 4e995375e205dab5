import QtQuick
import QtMultimedia
import common

// 办事申请: the form screens, one at a time, chosen by the forms view-model (ui/forms_vm.py).
Rectangle {
    id: screen
    objectName: "applyScreen"
    property QtObject forms
    // With the on-screen keyboard open the screen is half as tall: everything tightens up.
    readonly property bool compact: height < Theme.px(560)
    color: Theme.background

    TopBar {
        id: bar
        height: screen.compact ? Theme.px(64) : Theme.px(110)
        anchors.left: parent.left
        anchors.right: parent.right
        title: screen.forms.formTitle !== "" ? screen.forms.formTitle : qsTr("办事申请")
        hint: screen.forms.page === "question" ? qsTr("第 %1 步，共 %2 步").arg(screen.forms.step).arg(screen.forms.stepCount) : ""
    }

    Loader {
        id: pageLoader
        objectName: "formPageLoader"
        anchors.top: bar.bottom
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        sourceComponent: {
            switch (screen.forms.page) {
            case "question": return questionPage
            case "consent": return consentPage
            case "refused": return refusedPage
            case "eligibility": return eligibilityPage
            case "review": return reviewPage
            case "saving": return savingPage
            case "receipt": return receiptPage
            case "status": return statusPage
            default: return chooserPage
            }
        }
    }

    Component { id: chooserPage; ApplyChooser { forms: screen.forms } }
    Component { id: questionPage; FormQuestion { forms: screen.forms; compact: screen.compact } }
    Component { id: consentPage; FormConsent { forms: screen.forms } }
    Component { id: refusedPage; FormRefused { forms: screen.forms } }
    Component { id: eligibilityPage; FormEligibility { forms: screen.forms } }
    Component { id: reviewPage; FormReview { forms: screen.forms } }
    Component { id: receiptPage; ReceiptScreen { forms: screen.forms } }
    Component { id: statusPage; StatusLookup { forms: screen.forms; lookup: screen.forms.statusLookup } }
    Component {
        id: savingPage
        Item {
            Text {
                objectName: "savingText"
                anchors.centerIn: parent
                text: qsTr("正在保存您的申请，请稍等…")
                font.pixelSize: Theme.fontTitle
                color: Theme.ink
            }
        }
    }

    // 朗读: the review read aloud (a WAV made by espeak-ng), played when it is ready.
    // Made only when there is something to read: no sound device is touched before that.
    Loader {
        active: screen.forms.speechUrl !== ""
        sourceComponent: MediaPlayer {
            source: screen.forms.speechUrl
            audioOutput: AudioOutput {}
            Component.onCompleted: play()
            onSourceChanged: play()
        }
    }
}
