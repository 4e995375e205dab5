import QtQuick

// The bar across the top of every screen: what this screen is, in large words.
Rectangle {
    id: bar
    property string title: ""
    property string hint: ""
    height: Theme.px(110)
    color: Theme.primary
    Text {
        anchors.left: parent.left
        anchors.leftMargin: Theme.margin
        anchors.verticalCenter: parent.verticalCenter
        anchors.right: hintText.left
        text: bar.title
        color: Theme.onColour
        font.pixelSize: Theme.text(46)
        font.bold: true
        elide: Text.ElideRight
    }
    Text {
        id: hintText
        anchors.right: parent.right
        anchors.rightMargin: Theme.margin
        anchors.verticalCenter: parent.verticalCenter
        text: bar.hint
        color: Theme.onColour
        font.pixelSize: Theme.fontBody
    }
}
