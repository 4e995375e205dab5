pragma Singleton
import QtQuick

// What text fields share: the handwriting recogniser (set by the kiosk window; null hides the pad).
QtObject {
    property QtObject handwriting: null
}
