// gtest's main for tests that need a QApplication. Settings go to a
// throw-away folder so that tests never touch the user's.

#include <QApplication>
#include <QStandardPaths>
#include <QSurfaceFormat>

#include <gtest/gtest.h>

#include "temp_dir.h"
#include "viewers/vtk_opengl_widget.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  neuroseq_test::TempDir settings("gui_settings");
  qputenv("XDG_CONFIG_HOME", QByteArray::fromStdString(settings.path().string()));
  QStandardPaths::setTestModeEnabled(true);
  QSurfaceFormat::setDefaultFormat(viewers::VtkOpenGLWidget::default_format());
  QApplication app(argc, argv);
  QCoreApplication::setOrganizationName("NeuroSeqTests");
  QCoreApplication::setApplicationName("neuroseq-gui-tests");
  return RUN_ALL_TESTS();
}
