import QtQuick
import common

// The signature pad: write with a finger; each stroke goes to the view-model, which keeps the PNG
// and shows it back (the canvas draws only the stroke under the finger).
Item {
    id: padRoot
    property QtObject forms
    property var current: []

    Rectangle {
        id: paper
        objectName: "signaturePad"
        anchors.left: parent.left
        anchors.top: parent.top
        anchors.bottom: parent.bottom
        width: Math.min(parent.width - clearButton.width - Theme.margin, (parent.height) * 3)
        color: "#FFFFFF"
        border.color: Theme.border
        border.width: 3
        radius: Theme.radius / 2

        Image {
            objectName: "signatureImage"
            anchors.fill: parent
            anchors.margins: 3
            fillMode: Image.Stretch
            source: padRoot.forms.signatureUrl
        }
        Text {
            anchors.centerIn: parent
            width: parent.width - Theme.px(24)  // a narrow pad (in-call form, elder mode) wraps the hint
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            visible: padRoot.forms.signatureUrl === "" && padRoot.current.length === 0
            text: qsTr("请用手指在这里写上您的名字")
            color: "#8A8A8A"
            font.pixelSize: Theme.fontLarge
        }
        Canvas {
            id: canvas
            anchors.fill: parent
            onPaint: {
                const ctx = getContext("2d")
                ctx.reset()
                ctx.lineWidth = Theme.px(5)
                ctx.lineCap = "round"
                ctx.lineJoin = "round"
                ctx.strokeStyle = "#000000"
                const all = padRoot.current.length ? [padRoot.current] : []
                for (const stroke of all) {
                    ctx.beginPath()
                    ctx.moveTo(stroke[0][0] * width, stroke[0][1] * height)
                    for (const p of stroke)
                        ctx.lineTo(p[0] * width, p[1] * height)
                    ctx.stroke()
                }
            }
        }
        MouseArea {
            anchors.fill: parent
            preventStealing: true
            function point(mouse) {
                return [Math.max(0, Math.min(1, mouse.x / width)), Math.max(0, Math.min(1, mouse.y / height))]
            }
            onPressed: (mouse) => { padRoot.current = [point(mouse)]; canvas.requestPaint() }
            onPositionChanged: (mouse) => {
                padRoot.current = padRoot.current.concat([point(mouse)])
                canvas.requestPaint()
            }
            onReleased: (mouse) => {
                const stroke = padRoot.current.concat([point(mouse)])
                padRoot.current = []
                padRoot.forms.addSignatureStroke(stroke)
                canvas.requestPaint()
            }
        }
    }
    BigButton {
        id: clearButton
        objectName: "signatureClear"
        anchors.right: parent.right
        anchors.verticalCenter: parent.verticalCenter
        text: qsTr("擦掉重写")
        colour: Theme.neutral
        onClicked: {
            padRoot.current = []
            padRoot.forms.clearSignature()
            canvas.requestPaint()
        }
    }
}
