import { describe, expect, it } from 'vitest';
import { isEditableTarget } from '../../../src/renderer/src/scanner/editable-target.js';
import { ScanHandlers } from '../../../src/renderer/src/scanner/scan-handlers.js';

describe('scan handlers (what a scan does on the screen shown)', () => {
  it('drops a scan while no screen takes scans', () => {
    expect(new ScanHandlers().dispatch('SN-1')).toBe(false);
  });

  it('hands the code to the newest registration, and to the one before once it is gone', () => {
    const handlers = new ScanHandlers();
    const seen: string[] = [];
    const unregisterQueue = handlers.register((code) => seen.push(`queue:${code}`));
    const unregisterDetail = handlers.register((code) => seen.push(`detail:${code}`));
    expect(handlers.dispatch('SN-1')).toBe(true);
    unregisterDetail();
    handlers.dispatch('SN-2');
    unregisterQueue();
    expect(handlers.dispatch('SN-3')).toBe(false);
    expect(seen).toEqual(['detail:SN-1', 'queue:SN-2']);
  });

  it('takes back only its own registration, even twice, in any order', () => {
    const handlers = new ScanHandlers();
    const seen: string[] = [];
    const unregisterA = handlers.register(() => seen.push('a'));
    const unregisterB = handlers.register(() => seen.push('b'));
    unregisterA();
    unregisterA();
    handlers.dispatch('x');
    unregisterB();
    expect(handlers.dispatch('x')).toBe(false);
    expect(seen).toEqual(['b']);
  });
});

describe('editable targets (where a scanner just types)', () => {
  it('counts text fields, text areas, selects and editable content as editable', () => {
    expect(isEditableTarget({ tagName: 'INPUT', type: 'text' })).toBe(true);
    expect(isEditableTarget({ tagName: 'input', type: 'search' })).toBe(true);
    expect(isEditableTarget({ tagName: 'INPUT', type: 'number' })).toBe(true);
    expect(isEditableTarget({ tagName: 'INPUT' })).toBe(true);
    expect(isEditableTarget({ tagName: 'TEXTAREA' })).toBe(true);
    expect(isEditableTarget({ tagName: 'SELECT' })).toBe(true);
    expect(isEditableTarget({ tagName: 'DIV', isContentEditable: true })).toBe(true);
  });

  it('counts buttons, checkboxes and everything else as a place where Enter presses', () => {
    expect(isEditableTarget({ tagName: 'BUTTON' })).toBe(false);
    expect(isEditableTarget({ tagName: 'INPUT', type: 'checkbox' })).toBe(false);
    expect(isEditableTarget({ tagName: 'INPUT', type: 'submit' })).toBe(false);
    expect(isEditableTarget({ tagName: 'SUMMARY' })).toBe(false);
    expect(isEditableTarget({ tagName: 'BODY' })).toBe(false);
    expect(isEditableTarget(null)).toBe(false);
  });
});
