//! The accept loop: HTTP/1.1 with keep-alive on a TCP listener, each connection served by the
//! router. Hand-driven rather than `axum::serve` for one reason: a `DropConnection` fault must
//! close the connection without an answer, which only the connection's service can do (by
//! failing).

use std::fmt;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tower::ServiceExt;

use crate::gate::DropConnection;

/// Why a connection was closed without an answer: a fault asked for it (or, never expected, the
/// request's task failed).
#[derive(Debug)]
struct NoAnswer;

impl fmt::Display for NoAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection closed without an answer")
    }
}

impl std::error::Error for NoAnswer {}

/// How long in-flight requests get to finish at shutdown.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Serves `router` on `listener` until `shutdown` fires, then lets open requests finish.
pub async fn serve(listener: TcpListener, router: Router, mut shutdown: oneshot::Receiver<()>) {
    let graceful = GracefulShutdown::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else {
                    // Out of file descriptors, say: wait a moment rather than spin.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let router = router.clone();
                let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
                    let router = router.clone();
                    // Each request runs as a task of its own, so that it completes, as it would on
                    // a real server, even when the client hangs up first (a timed-out create
                    // still creates).
                    let handling = tokio::spawn(router.oneshot(request.map(Body::new)));
                    async move {
                        let response = match handling.await {
                            Ok(Ok(response)) => response,
                            Ok(Err(never)) => match never {},
                            Err(_) => return Err(NoAnswer),
                        };
                        if response.extensions().get::<DropConnection>().is_some() {
                            return Err(NoAnswer);
                        }
                        Ok(response)
                    }
                });
                let connection = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service);
                let connection = graceful.watch(connection);
                tokio::spawn(async move {
                    // A client that goes away, or a dropped connection, ends here; neither is an
                    // error of the server.
                    let _ = connection.await;
                });
            }
            _ = &mut shutdown => break,
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await;
}
