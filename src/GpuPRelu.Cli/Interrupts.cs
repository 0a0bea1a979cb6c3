using System.Runtime.InteropServices;

namespace GpuPRelu.Cli;

/// <summary>SIGINT and SIGTERM during a verb: the first cancels Token (the engine stops at its next step, writes what is
/// complete and marks the manifest "cancelled"); a second one ends the process at once (the runtime's default).</summary>
internal sealed class Interrupts : IDisposable
{
    private static readonly CancellationTokenSource None = new();
    private static Interrupts? s_current;

    private readonly CancellationTokenSource _cancel = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _signal;

    private Interrupts()
    {
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    /// <summary>The token of the running verb: cancelled by the first SIGINT or SIGTERM.</summary>
    public static CancellationToken Token => s_current?._cancel.Token ?? None.Token;

    /// <summary>The signal received (2 SIGINT, 15 SIGTERM), 0 when none.</summary>
    public int Signal => _signal;

    /// <summary>Starts listening for the verb about to run.</summary>
    public static Interrupts Listen() => s_current = new Interrupts();

    public void Dispose()
    {
        foreach (var r in _registrations)
            r.Dispose();
        if (ReferenceEquals(s_current, this))
            s_current = null;
        _cancel.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        int number = context.Signal == PosixSignal.SIGINT ? 2 : 15;
        // the second signal keeps the runtime's default: the process ends at once
        if (Interlocked.CompareExchange(ref _signal, number, 0) != 0)
            return;
        context.Cancel = true;
        _cancel.Cancel();
    }
}
