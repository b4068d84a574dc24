package clients

import "context"

// Logger receives the clients' structured log lines. It matches
// retryablehttp's LeveledLogger, so one adapter serves both. Callers never
// pass a secret to it.
type Logger interface {
	Error(msg string, keysAndValues ...any)
	Info(msg string, keysAndValues ...any)
	Debug(msg string, keysAndValues ...any)
	Warn(msg string, keysAndValues ...any)
}

type loggerKey struct{}

// WithLogger returns a context whose token calls log to l. Loggers travel in
// the context because log sinks such as tflog are bound to the request's
// context.
func WithLogger(ctx context.Context, l Logger) context.Context {
	return context.WithValue(ctx, loggerKey{}, l)
}

func loggerFrom(ctx context.Context) Logger {
	if l, ok := ctx.Value(loggerKey{}).(Logger); ok && l != nil {
		return l
	}
	return noLogger{}
}

type noLogger struct{}

func (noLogger) Error(string, ...any) {}
func (noLogger) Info(string, ...any)  {}
func (noLogger) Debug(string, ...any) {}
func (noLogger) Warn(string, ...any)  {}
