import QtQuick
import common

// One question per screen: its words, its touch control (chosen by the field's type), the message
// next to it, and 上一步 / 下一步. Nothing here knows any particular form.
Item {
    id: page
    property QtObject forms
    property bool compact: false  // the keyboard is open: no section title or help, smaller words
    // Number pads stand on the right, full height; the question and its message on the left.
    readonly property bool padBeside: ["number", "phone", "id_number"].indexOf(forms.fieldType) >= 0

    Column {
        id: head
        anchors.top: parent.top
        anchors.left: parent.left
        anchors.right: page.padBeside ? parent.horizontalCenter : parent.right
        anchors.margins: Theme.margin
        anchors.topMargin: page.compact ? Theme.px(8) : Theme.px(20)
        spacing: Theme.px(8)
        Text {
            objectName: "sectionTitle"
            visible: !page.compact
            width: parent.width
            text: page.forms.sectionTitle
            color: Theme.inkSoft
            font.pixelSize: Theme.fontBody
        }
        Text {
            objectName: "fieldLabel"
            width: parent.width
            text: page.forms.fieldLabel
            color: Theme.ink
            font.pixelSize: page.compact ? Theme.fontBody : Theme.fontLarge
            font.bold: true
            wrapMode: Text.WordWrap
        }
        Text {
            objectName: "fieldHelp"
            visible: text !== "" && !page.compact
            width: parent.width
            text: page.forms.fieldHelp
            color: Theme.inkSoft
            font.pixelSize: Theme.fontBody
            wrapMode: Text.WordWrap
        }
        // The message sits right under the question, next to the answer it is about.
        Rectangle {
            objectName: "fieldMessageBox"
            visible: page.forms.fieldMessage !== ""
            width: parent.width
            height: messageText.implicitHeight + Theme.px(16)
            radius: Theme.radius / 2
            color: "#FDECEA"
            border.color: Theme.danger
            border.width: 3
            Text {
                id: messageText
                objectName: "fieldMessage"
                anchors.fill: parent
                anchors.margins: Theme.px(8)
                text: "⚠ " + page.forms.fieldMessage
                color: Theme.danger
                font.pixelSize: Theme.fontBody
                font.bold: true
                wrapMode: Text.WordWrap
            }
        }
        Text {
            objectName: "formNotice"
            visible: text !== ""
            width: parent.width
            text: page.forms.notice
            color: Theme.danger
            font.pixelSize: Theme.fontBody
            wrapMode: Text.WordWrap
        }
    }

    Loader {
        id: widget
        objectName: "fieldWidget"
        anchors.top: page.padBeside ? parent.top : head.bottom
        anchors.left: page.padBeside ? parent.horizontalCenter : parent.left
        anchors.right: parent.right
        anchors.bottom: nav.top
        anchors.margins: Theme.margin
        anchors.topMargin: page.compact ? Theme.px(8) : Theme.px(16)
        anchors.bottomMargin: page.compact ? Theme.px(8) : Theme.margin
        sourceComponent: {
            switch (page.forms.fieldType) {
            case "number": case "phone": case "id_number": return padWidget
            case "date": return dateWidget
            case "choice": return choiceWidget
            case "yes_no": return yesNoWidget
            case "signature": return signatureWidget
            case "photo": return photoWidget
            case "text": return textWidget
            default: return null
            }
        }
        // A new question builds a fresh control (it reads the stored answer when created).
        Connections {
            target: page.forms
            function onFieldChanged() { widget.active = false; widget.active = true }
        }
    }

    Component {
        id: textWidget
        FormTextInput {
            multiline: page.forms.fieldMaxLength > 100
            maximumLength: page.forms.fieldMaxLength
            initialText: page.forms.fieldValue
            onEdited: (value) => page.forms.setValue(value)
            onAccepted: page.forms.next()
        }
    }
    Component {
        id: padWidget
        FormNumberPad {
            kind: page.forms.fieldType
            unit: page.forms.fieldUnit
            initialText: page.forms.fieldValue
            onEdited: (value) => page.forms.setValue(value)
        }
    }
    Component { id: dateWidget; FormDatePicker { forms: page.forms } }
    Component { id: choiceWidget; FormChoiceTiles { forms: page.forms } }
    Component { id: yesNoWidget; FormYesNo { forms: page.forms } }
    Component { id: signatureWidget; FormSignaturePad { forms: page.forms } }
    Component { id: photoWidget; FormPhotos { forms: page.forms } }

    FormNavBar {
        id: nav
        forms: page.forms
        compact: page.compact
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        onNextClicked: page.forms.next()
        onBackClicked: page.forms.back()
    }
}
