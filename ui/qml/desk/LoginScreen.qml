import QtQuick
import QtQuick.Controls.Basic
import common

// Username, password, 登录, and a plain message when it fails.
Rectangle {
    id: screen
    objectName: "loginScreen"
    property QtObject vm
    color: Theme.background

    function submit() { screen.vm.login(usernameField.text, passwordField.text) }

    TopBar {
        id: bar
        anchors.left: parent.left
        anchors.right: parent.right
        title: qsTr("律师工作台 · 登录")
    }

    Rectangle {
        anchors.top: bar.bottom
        anchors.topMargin: Theme.px(48)
        anchors.horizontalCenter: parent.horizontalCenter
        width: Theme.px(640)
        height: form.implicitHeight + 2 * Theme.margin
        radius: Theme.radius
        color: Theme.surface
        border.color: "#C8C8C8"
        border.width: 2

        Column {
            id: form
            anchors.centerIn: parent
            width: parent.width - 2 * Theme.margin
            spacing: Theme.px(18)

            Text { text: qsTr("用户名"); color: Theme.ink; font.pixelSize: Theme.fontBody }
            TextField {
                id: usernameField
                objectName: "usernameField"
                width: parent.width
                height: Theme.touchMin
                font.pixelSize: Theme.fontBody
                text: screen.vm ? screen.vm.username : ""
                focus: text === ""
                onAccepted: passwordField.forceActiveFocus()
            }
            Text { text: qsTr("密码"); color: Theme.ink; font.pixelSize: Theme.fontBody }
            TextField {
                id: passwordField
                objectName: "passwordField"
                width: parent.width
                height: Theme.touchMin
                font.pixelSize: Theme.fontBody
                echoMode: TextInput.Password
                focus: usernameField.text !== ""
                onAccepted: screen.submit()
            }
            Text {
                objectName: "loginError"
                width: parent.width
                visible: text !== ""
                text: screen.vm ? screen.vm.errorText : ""
                color: Theme.danger
                font.pixelSize: Theme.fontBody
                font.bold: true
                wrapMode: Text.WordWrap
            }
            BigButton {
                objectName: "loginButton"
                width: parent.width
                text: screen.vm && screen.vm.busy ? qsTr("正在登录…") : qsTr("登录")
                enabled: screen.vm !== null && !screen.vm.busy
                colour: Theme.primary
                onClicked: screen.submit()
            }
        }
    }
}
