#include "viewers/gl_bridge.h"

#include <QOpenGLContext>
#include <QOpenGLExtraFunctions>
#include <QSurface>

#include <vtkCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkOpenGLFramebufferObject.h>
#include <vtkOpenGLState.h>

#include <cmath>
#include <utility>

namespace viewers {

vtkSmartPointer<vtkGenericOpenGLRenderWindow> make_qt_render_window() {
  auto window = vtkSmartPointer<vtkGenericOpenGLRenderWindow>::New();
  window->SetReadyForRendering(false);
  window->SetOwnContext(false);
  window->SetFrameBlitModeToNoBlit();
  window->SetMultiSamples(0);
  return window;
}

QSurfaceFormat vtk_surface_format() {
  QSurfaceFormat format;
  format.setRenderableType(QSurfaceFormat::OpenGL);
  format.setVersion(3, 2);
  format.setProfile(QSurfaceFormat::CoreProfile);
  format.setSwapBehavior(QSurfaceFormat::DoubleBuffer);
  format.setRedBufferSize(8);
  format.setGreenBufferSize(8);
  format.setBlueBufferSize(8);
  format.setAlphaBufferSize(8);
  format.setDepthBufferSize(24);
  format.setStencilBufferSize(0);
  format.setSamples(0);
  return format;
}

GlBridge::GlBridge(vtkGenericOpenGLRenderWindow* window, QOpenGLContext* context, QSurface* surface,
                   std::function<void()> request_update)
    : window_(window),
      context_(context),
      surface_(surface),
      request_update_(std::move(request_update)) {
  observers_[0] =
      window_->AddObserver(vtkCommand::WindowMakeCurrentEvent, this, &GlBridge::on_window_event);
  observers_[1] =
      window_->AddObserver(vtkCommand::WindowIsCurrentEvent, this, &GlBridge::on_window_event);
  observers_[2] =
      window_->AddObserver(vtkCommand::WindowFrameEvent, this, &GlBridge::on_window_event);

  // An offscreen-buffer request would make VTK keep its frames to itself.
  window_->SetUseOffScreenBuffers(false);
  window_->SetOwnContext(false);
  window_->SetFrameBlitModeToNoBlit();
  window_->SetForceMaximumHardwareLineWidth(1);
  window_->SetReadyForRendering(true);
  // Loads the OpenGL entry points and VTK's state tracking from Qt's context.
  window_->InitializeFromCurrentContext();
  vtkOpenGLState* state = window_->GetState();
  state->Reset();
  // Qt leaves GL_LESS; VTK draws coplanar props with GL_LEQUAL.
  state->vtkglDepthFunc(GL_LEQUAL);
}

GlBridge::~GlBridge() {
  request_update_ = nullptr;
  window_->Finalize();
  window_->SetReadyForRendering(false);
  for (unsigned long id : observers_)
    window_->RemoveObserver(id);
}

void GlBridge::resize(int device_width, int device_height, double device_pixel_ratio) {
  window_->SetSize(std::max(device_width, 1), std::max(device_height, 1));
  // Text sizes are in points: scale them with the screen's pixel density.
  window_->SetDPI(static_cast<int>(std::lround(72 * device_pixel_ratio)));
  stale_ = true;
}

bool GlBridge::is_current() const {
  const QOpenGLContext* current = QOpenGLContext::currentContext();
  return current == context_ && current->surface() == surface_;
}

void GlBridge::on_window_event(vtkObject*, unsigned long event, void* data) {
  switch (event) {
    case vtkCommand::WindowMakeCurrentEvent:
      if (!is_current()) context_->makeCurrent(surface_);
      break;
    case vtkCommand::WindowIsCurrentEvent:
      *static_cast<bool*>(data) = is_current();
      break;
    case vtkCommand::WindowFrameEvent:
      // A frame VTK rendered on its own: it sits in VTK's display framebuffer,
      // so the next paint only needs to copy it.
      if (!in_render_) {
        stale_ = false;
        if (request_update_) request_update_();
      }
      break;
    default:
      break;
  }
}

void GlBridge::render_into(unsigned target_fbo, int width, int height) {
  vtkOpenGLState* state = window_->GetState();
  // Qt changed GL state since VTK last looked; re-read it, and put it back
  // afterwards so Qt finds what it left.
  state->Reset();
  state->Push();
  state->vtkglDepthFunc(GL_LEQUAL);
  if (stale_) {
    in_render_ = true;
    window_->Render();
    in_render_ = false;
    stale_ = false;
  }
  // Something VTK called while rendering may have made another context current.
  if (!is_current()) context_->makeCurrent(surface_);

  QOpenGLExtraFunctions* f = context_->extraFunctions();
  f->glBindFramebuffer(GL_DRAW_FRAMEBUFFER, target_fbo);
  const GLenum attachment = GL_COLOR_ATTACHMENT0;
  f->glDrawBuffers(1, &attachment);
  // The scissor box clips blits too.
  const bool scissor = f->glIsEnabled(GL_SCISSOR_TEST) == GL_TRUE;
  if (scissor) {
    state->vtkglDisable(GL_SCISSOR_TEST);
    f->glDisable(GL_SCISSOR_TEST);
  }
  const int* source = window_->GetRenderFramebuffer()->GetLastSize();
  window_->BlitDisplayFramebuffer(0, 0, 0, source[0], source[1], 0, 0, width, height,
                                  GL_COLOR_BUFFER_BIT, GL_LINEAR);

  // Opaque alpha, whatever VTK's background alpha was.
  GLboolean mask[4];
  f->glGetBooleanv(GL_COLOR_WRITEMASK, mask);
  GLfloat clear[4];
  f->glGetFloatv(GL_COLOR_CLEAR_VALUE, clear);
  GLint viewport[4];
  f->glGetIntegerv(GL_VIEWPORT, viewport);
  f->glColorMask(GL_FALSE, GL_FALSE, GL_FALSE, GL_TRUE);
  f->glClearColor(0, 0, 0, 1);
  f->glViewport(0, 0, width, height);
  f->glClear(GL_COLOR_BUFFER_BIT);
  f->glColorMask(mask[0], mask[1], mask[2], mask[3]);
  f->glClearColor(clear[0], clear[1], clear[2], clear[3]);
  f->glViewport(viewport[0], viewport[1], viewport[2], viewport[3]);

  if (scissor) {
    state->vtkglEnable(GL_SCISSOR_TEST);
    f->glEnable(GL_SCISSOR_TEST);
  }
  state->Pop();
}

}  // namespace viewers
