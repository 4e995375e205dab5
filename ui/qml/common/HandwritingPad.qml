import QtQuick

// Write one character with a finger; the recogniser's candidates appear in large type; tap one.
Rectangle {
    id: pad
    property QtObject recognizer: Input.handwriting
    property var strokes: []        // finished strokes: flat [x0, y0, x1, y1, ...] lists in canvas pixels
    property var current: []
    signal chosen(string character)
    signal eraseRequested()

    implicitHeight: candidateRow.height + canvas.height + 3 * Theme.px(12)
    color: Theme.surface
    border.color: Theme.border
    border.width: 2
    radius: Theme.radius

    function finishStroke() {
        if (pad.current.length >= 2) {
            pad.strokes = pad.strokes.concat([pad.current])
            if (pad.recognizer)
                pad.recognizer.recognize(pad.strokes, canvas.width, canvas.height)
        }
        pad.current = []
        canvas.requestPaint()
    }

    function clear() {
        pad.strokes = []
        pad.current = []
        if (pad.recognizer)
            pad.recognizer.clear()
        canvas.requestPaint()
    }

    Row {
        id: candidateRow
        objectName: "handwritingCandidates"
        anchors.top: parent.top
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.margins: Theme.px(12)
        height: Theme.text(96)
        spacing: Theme.px(12)
        Text {
            visible: !pad.recognizer || pad.recognizer.candidates.length === 0
            anchors.verticalCenter: parent.verticalCenter
            text: qsTr("请在下面的方框里写一个字")
            color: Theme.inkSoft
            font.pixelSize: Theme.fontBody
        }
        Repeater {
            model: pad.recognizer ? pad.recognizer.candidates : []
            BarButton {
                required property string modelData
                required property int index
                objectName: "handwritingCandidate" + index
                height: candidateRow.height
                width: height
                font.pixelSize: Theme.text(60)
                text: modelData
                colour: index === 0 ? Theme.primary : Theme.neutral
                onClicked: {
                    pad.chosen(modelData)
                    pad.clear()
                }
            }
        }
    }

    Canvas {
        id: canvas
        objectName: "handwritingCanvas"
        anchors.top: candidateRow.bottom
        anchors.topMargin: Theme.px(12)
        anchors.left: parent.left
        anchors.leftMargin: Theme.px(12)
        height: Theme.px(320)
        width: Math.min(parent.width - tools.width - 3 * Theme.px(12), Theme.px(480))
        onPaint: {
            const ctx = getContext("2d")
            ctx.reset()
            ctx.fillStyle = "#FFFDF3"
            ctx.fillRect(0, 0, width, height)
            ctx.strokeStyle = "#C9C2B0"
            ctx.lineWidth = 2
            ctx.beginPath()
            ctx.moveTo(width / 2, 0); ctx.lineTo(width / 2, height)
            ctx.moveTo(0, height / 2); ctx.lineTo(width, height / 2)
            ctx.stroke()
            ctx.strokeStyle = "#111111"
            ctx.lineWidth = Theme.px(9)
            ctx.lineCap = "round"
            ctx.lineJoin = "round"
            const all = pad.strokes.concat(pad.current.length ? [pad.current] : [])
            for (const s of all) {
                ctx.beginPath()
                ctx.moveTo(s[0], s[1])
                for (let i = 2; i < s.length; i += 2)
                    ctx.lineTo(s[i], s[i + 1])
                ctx.stroke()
            }
        }
        MouseArea {
            anchors.fill: parent
            preventStealing: true
            onPressed: (mouse) => { pad.current = [mouse.x, mouse.y]; canvas.requestPaint() }
            onPositionChanged: (mouse) => {
                const n = pad.current.length
                if (n >= 2 && Math.abs(mouse.x - pad.current[n - 2]) + Math.abs(mouse.y - pad.current[n - 1]) < 3)
                    return
                pad.current = pad.current.concat([mouse.x, mouse.y])
                canvas.requestPaint()
            }
            onReleased: (mouse) => {
                pad.current = pad.current.concat([mouse.x, mouse.y])
                pad.finishStroke()
            }
        }
    }

    // Beside the box, so the pad stays short enough for a screen with a title and a keyboard bar.
    Column {
        id: tools
        anchors.top: canvas.top
        anchors.left: canvas.right
        anchors.leftMargin: Theme.px(12)
        spacing: Theme.px(16)
        BarButton {
            objectName: "handwritingClear"
            text: qsTr("重写")
            iconSource: "icons/retry.svg"
            onClicked: pad.clear()
        }
        BarButton {
            objectName: "handwritingErase"
            text: qsTr("删一个字")
            iconSource: "icons/back.svg"
            onClicked: pad.eraseRequested()
        }
    }
}
