namespace GpuPRelu.Experiments;

/// <summary>Runs the phases of a study in order on one state: the fig2/fig5, mnist and probe verbs and each batch of a
/// sweep go through here, so a new phase is one entry of a phase list (StudyPhases, RealExperiment). Before each phase
/// the cancellation token is checked; after it, `endPhase` hears its name (the manifest's phase timing). With a
/// `record`, a phase it holds as finished is restored from its outputs instead of run (when it can be), and each phase
/// that ends is added to it.</summary>
public static class StudyPipeline
{
    /// <summary>Runs `phases` in order on `state`, whose output folder is `outDir` (a finished phase is restored only
    /// when every one of its outputs is there; else it runs again).</summary>
    public static void Run<TState>(IEnumerable<StudyPhase<TState>> phases, TState state, string outDir, Action<string>? endPhase,
        CancellationToken cancel, PhaseRecord? record = null)
    {
        ArgumentNullException.ThrowIfNull(phases);
        foreach (var phase in phases)
        {
            cancel.ThrowIfCancellationRequested();
            if (record?.IsDone(phase.Name) == true && phase.Restore is { } restore
                && phase.Outputs.All(f => File.Exists(Path.Combine(outDir, f))))
                restore(state);
            else
                phase.Run(state);
            record?.Add(phase.Name);
            endPhase?.Invoke(phase.Name);
        }
    }
}
