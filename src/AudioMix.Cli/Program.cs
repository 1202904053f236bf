using AudioMix.Cli;

return await AudioMixCommand.Build().Parse(args).InvokeAsync();
