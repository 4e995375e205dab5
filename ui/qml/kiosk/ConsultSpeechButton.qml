import QtQuick
import common

// 朗读 / 停止 for the consult pages; the plain message appears in the page's speech line.
BigButton {
    id: control
    property QtObject speech
    signal readRequested()
    objectName: "readAloudButton"
    text: speech && speech.speaking ? qsTr("停止") : qsTr("朗读")
    iconSource: speech && speech.speaking ? "../common/icons/consult_stop.svg" : "../common/icons/consult_speaker.svg"
    colour: speech && speech.speaking ? Theme.danger : Theme.help
    onClicked: speech.speaking ? speech.stop() : control.readRequested()
}
