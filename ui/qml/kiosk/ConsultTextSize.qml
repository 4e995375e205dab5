import QtQuick
import common

// A− / A+: the size of the answer or article text.
Row {
    id: sizes
    property QtObject consult
    property real buttonWidth: Theme.px(130)
    spacing: Theme.px(12)
    BigButton {
        objectName: "textSmaller"
        width: sizes.buttonWidth
        implicitWidth: sizes.buttonWidth
        height: parent.height
        text: qsTr("A−")
        Accessible.name: qsTr("字变小")
        colour: Theme.neutral
        enabled: sizes.consult && sizes.consult.canShrink
        onClicked: sizes.consult.smallerText()
    }
    BigButton {
        objectName: "textBigger"
        width: sizes.buttonWidth
        implicitWidth: sizes.buttonWidth
        height: parent.height
        text: qsTr("A+")
        Accessible.name: qsTr("字变大")
        colour: Theme.neutral
        enabled: sizes.consult && sizes.consult.canGrow
        onClicked: sizes.consult.biggerText()
    }
}
