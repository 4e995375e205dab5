import QtQuick
import common

// Photos of documents with the terminal camera: 拍照, the pictures taken, and 删掉 under each.
Item {
    id: photos
    property QtObject forms

    BigButton {
        id: shoot
        objectName: "takePhotoButton"
        anchors.left: parent.left
        anchors.verticalCenter: parent.verticalCenter
        text: photos.forms.busy ? qsTr("正在拍…") : qsTr("拍一张")
        colour: Theme.primary
        enabled: !photos.forms.busy && photos.forms.photoUrls.length < photos.forms.maxPhotos
        onClicked: photos.forms.takePhoto()
    }
    Text {
        anchors.top: shoot.bottom
        anchors.topMargin: Theme.px(12)
        anchors.left: shoot.left
        width: Math.max(shoot.width, Theme.px(420))
        text: qsTr("把材料放在摄像头前面，再点“拍一张”。已拍 %1 张，最多 %2 张。").arg(photos.forms.photoUrls.length).arg(photos.forms.maxPhotos)
        font.pixelSize: Theme.text(24)
        color: Theme.inkSoft
        wrapMode: Text.WordWrap
    }
    Row {
        anchors.left: shoot.right
        anchors.leftMargin: Theme.margin
        anchors.right: parent.right
        anchors.top: parent.top
        anchors.bottom: parent.bottom
        spacing: Theme.px(16)
        Repeater {
            model: photos.forms.photoUrls
            Column {
                spacing: Theme.px(8)
                Image {
                    objectName: "photo_" + index
                    width: Theme.px(200)
                    height: Theme.px(150)
                    fillMode: Image.PreserveAspectFit
                    source: modelData
                }
                BigButton {
                    objectName: "removePhoto_" + index
                    width: Theme.px(200)
                    height: Theme.touchMin
                    text: qsTr("删掉")
                    fontSize: Theme.fontBody
                    colour: Theme.danger
                    onClicked: photos.forms.removePhoto(index)
                }
            }
        }
    }
}
