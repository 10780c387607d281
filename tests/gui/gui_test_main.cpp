// gtest's main for tests that need a QApplication. Settings go to a
// throw-away folder of this process, so that tests never touch the user's nor
// race with the other test processes ctest runs at the same time (Qt's test
// mode would send them all to one shared ~/.qttest folder).

#include <QApplication>
#include <QSettings>
#include <QSurfaceFormat>

#include <gtest/gtest.h>

#include "temp_dir.h"
#include "viewers/vtk_opengl_widget.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  neuroseq_test::TempDir settings("gui_settings");
  qputenv("XDG_CONFIG_HOME", QByteArray::fromStdString(settings.path().string()));
  const QString folder = QString::fromStdString(settings.path().string());
  QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, folder);
  QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, folder);
  QSurfaceFormat::setDefaultFormat(viewers::VtkOpenGLWidget::default_format());
  QApplication app(argc, argv);
  QCoreApplication::setOrganizationName("NeuroSeqTests");
  QCoreApplication::setApplicationName("neuroseq-gui-tests");
  return RUN_ALL_TESTS();
}
