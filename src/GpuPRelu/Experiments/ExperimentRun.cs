using System.Diagnostics;
using GpuPRelu.Devices;
using GpuPRelu.IO;

namespace GpuPRelu.Experiments;

/// <summary>One run of an experiment into its output folder, the part every verb shares: manifest.json (the resolved
/// config, the device, each phase's seconds, the results, the status), the run's clock, its cancellation token and its
/// error path. Execute starts the manifest, runs the experiment's phases, and marks the manifest "ok" when they return,
/// "cancelled" when they stop on the token (a signal), or "failed: message", rethrowing either way. An experiment
/// writes only its own outputs (PathOf) and ends each phase by name (EndPhase).</summary>
public sealed class ExperimentRun
{
    private readonly RunManifest _manifest;
    private readonly Stopwatch _clock;

    private ExperimentRun(RunContext context, RunManifest manifest)
    {
        Context = context;
        _manifest = manifest;
        _clock = Stopwatch.StartNew();
    }

    /// <summary>The device, output folder, log, progress and cancellation the run was given.</summary>
    public RunContext Context { get; }

    /// <summary>The output folder (it exists: the CLI created and locked it before any work).</summary>
    public string OutDir => Context.OutDir;

    /// <summary>Cancels the run (SIGINT/SIGTERM through the CLI's Interrupts): the phases stop at their next step, and the
    /// manifest says "cancelled".</summary>
    public CancellationToken Cancel => Context.Cancel;

    /// <summary>Time since the phases started.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>The manifest's results: headline numbers under snake_case keys.</summary>
    public IDictionary<string, object> Results => _manifest.Results;

    /// <summary>The path of output `file` in the run's folder.</summary>
    public string PathOf(string file) => Path.Combine(OutDir, file);

    /// <summary>Ends phase `name`: its seconds since the previous phase ended (or the run began) go to the manifest, which
    /// is saved, so a run that fails later still says how far it got; a run cancelled meanwhile stops here (a phase that
    /// polls no token of its own ends before the next one starts).</summary>
    public void EndPhase(string name)
    {
        _manifest.EndPhase(name);
        Cancel.ThrowIfCancellationRequested();
    }

    /// <summary>Runs `phases` as verb `command` of `config` in `context` and returns what they return; the manifest is
    /// written first, after each phase and at the end, whatever the outcome.</summary>
    public static T Execute<T>(string command, object config, RunContext context, Func<ExperimentRun, T> phases)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(context.Device);
        ArgumentNullException.ThrowIfNull(phases);
        var manifest = new RunManifest(context.OutDir, command, config, context.Device.Description);
        try
        {
            // a signal that came before the first phase (while the inputs were read) stops the run before any work
            context.Cancel.ThrowIfCancellationRequested();
            var result = phases(new ExperimentRun(context, manifest));
            manifest.Finish("ok");
            return result;
        }
        catch (Exception ex)
        {
            manifest.Fail(ex);
            throw;
        }
    }
}
