import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { amazonImages, fileArtifacts, parseLine, parseMachineReadable, toLogText, unescapeField } from './parseMachineReadable.js';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');

describe('parseLine', () => {
  const cases: [string, { given: string; want: ReturnType<typeof parseLine> }][] = [
    ['ui line', { given: '1700000000,,ui,say,==> image: hello', want: { timestamp: 1700000000, target: '', type: 'ui', data: ['say', '==> image: hello'] } }],
    ['escaped comma', { given: '1,,ui,message,a%!(PACKER_COMMA) b', want: { timestamp: 1, target: '', type: 'ui', data: ['message', 'a, b'] } }],
    ['escaped newline', { given: '1,b,artifact,0,string,x\\ny', want: { timestamp: 1, target: 'b', type: 'artifact', data: ['0', 'string', 'x\ny'] } }],
    ['artifact end has no value', { given: '1,b,artifact,0,end', want: { timestamp: 1, target: 'b', type: 'artifact', data: ['0', 'end'] } }],
    ['not machine-readable', { given: '==> human text, with comma', want: undefined }],
    ['blank', { given: '', want: undefined }],
  ];
  it.each(cases)('%s', (_name, { given, want }) => {
    expect(parseLine(given)).toEqual(want);
  });

  it('unescapes every escape', () => {
    expect(unescapeField('a%!(PACKER_COMMA)b%!(PACKER_COMMA)c\\r\\n')).toBe('a,b,c\r\n');
  });
});

describe('parseMachineReadable (golden outputs)', () => {
  it('null builder with a post-processor: two artifacts, no images', () => {
    const r = parseMachineReadable(fixture('null-two-artifacts.txt'));
    expect(r.artifacts).toHaveLength(2);
    expect(r.artifacts.map((a) => [a.builderId, a.id])).toEqual([
      ['fnoeding.null', 'Null'],
      ['fnoeding.null', 'Null'],
    ]);
    expect(amazonImages(r.artifacts)).toEqual([]);
    expect(r.errors).toEqual([]);
  });

  it('file builder: the file path', () => {
    const r = parseMachineReadable(fixture('file.txt'));
    expect(fileArtifacts(r.artifacts)).toEqual(['/tmp/pk/out/abc.img']);
  });

  it('amazon-ebs copied to two regions: one image per region, escaped comma, post-processor duplicate ignored', () => {
    const r = parseMachineReadable(fixture('amazon-ebs-two-regions.txt'));
    expect(r.artifacts).toHaveLength(2);
    expect(amazonImages(r.artifacts)).toEqual([
      { region: 'us-east-1', imageId: 'ami-0aaa1111bbbb2222c' },
      { region: 'us-west-2', imageId: 'ami-0ddd3333eeee4444f' },
    ]);
    expect(r.artifacts[0]!.string).toContain('AMIs were created:\nus-east-1');
  });

  it('failure: the build error, no artifacts', () => {
    const r = parseMachineReadable(fixture('failure.txt'));
    expect(r.artifacts).toEqual([]);
    expect(r.errors).toEqual(['Script exited with non-zero exit status: 3.Allowed exit codes are: [0]']);
  });

  it('renders log text from ui and error lines only', () => {
    const lines = fixture('failure.txt').split('\n').map(parseLine).filter((l) => l !== undefined);
    const text = lines.map(toLogText).filter((t) => t !== undefined);
    expect(text).toContain('    image: boom, it failed');
    expect(text.some((t) => t.startsWith('error in image:'))).toBe(true);
  });
});
