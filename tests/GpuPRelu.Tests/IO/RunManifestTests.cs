using GpuPRelu.IO;
using GpuPRelu.Tests.Fixtures;
using Xunit;

namespace GpuPRelu.Tests.IO;

public sealed class RunManifestTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("gpuprelu-git-").FullName;

    /// <summary>The commit of a plain checkout (loose ref), and of a linked worktree whose `.git` is a file pointing into
    /// the main repository, with its branch only in packed-refs of the common folder: the layout `git worktree add` makes.</summary>
    [Theory]
    [MemberData(nameof(Seeds.Data), MemberType = typeof(Seeds))]
    public void FindsTheCommitOfACheckoutAndOfALinkedWorktree(int seed)
    {
        var rng = new System.Random(seed);
        string Hash() => string.Concat(Enumerable.Range(0, 20).Select(_ => rng.Next(256).ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        var (mainCommit, worktreeCommit, otherCommit) = (Hash(), Hash(), Hash());
        var git = Path.Combine(_root, "main", ".git");
        Write(Path.Combine(git, "HEAD"), "ref: refs/heads/main\n");
        Write(Path.Combine(git, "refs", "heads", "main"), mainCommit + "\n");
        Write(Path.Combine(git, "packed-refs"), $"# pack-refs with: peeled\n{otherCommit} refs/heads/xspeed\n{worktreeCommit} refs/heads/speed\n");
        Write(Path.Combine(git, "worktrees", "wt", "HEAD"), "ref: refs/heads/speed\n");
        Write(Path.Combine(git, "worktrees", "wt", "commondir"), "../..\n");
        Write(Path.Combine(_root, "wt", ".git"), "gitdir: ../main/.git/worktrees/wt\n");
        Directory.CreateDirectory(Path.Combine(_root, "wt", "src", "bin"));
        Directory.CreateDirectory(Path.Combine(_root, "main", "src"));

        Assert.Equal(mainCommit, RunManifest.FindGitCommit(Path.Combine(_root, "main", "src")));
        Assert.Equal(worktreeCommit, RunManifest.FindGitCommit(Path.Combine(_root, "wt", "src", "bin")));
    }

    private static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
