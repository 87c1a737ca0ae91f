import { describe, expect, it } from 'vitest';
import { can, describeCameras, isSharePath, pageNeeds, visiblePages, type ViewerAccess } from './access.ts';

const viewOnly: ViewerAccess = { capabilities: ['VIEW'], cameras: ['kitchen'], shareLink: false };
const admin: ViewerAccess = { capabilities: ['VIEW', 'EVENTS', 'CONTROL', 'ADMIN'], cameras: ['*'], shareLink: false };

describe('can', () => {
  it('allows what the principal holds and nothing else', () => {
    expect(can(viewOnly, 'VIEW')).toBe(true);
    expect(can(viewOnly, 'CONTROL')).toBe(false);
  });

  it('allows nothing before the principal is known', () => {
    expect(can(null, 'VIEW')).toBe(false);
  });
});

describe('visiblePages', () => {
  it('hides Events and Admin from a view-only principal', () => {
    expect(visiblePages(viewOnly).map((link) => link.text)).toEqual(['Live', 'Cameras']);
  });

  it('shows every page to an admin with every capability', () => {
    expect(visiblePages(admin).map((link) => link.text)).toEqual(['Live', 'Cameras', 'Events', 'Admin']);
  });
});

describe('pageNeeds', () => {
  it('names the capability of /events and /admin, and none for the live view', () => {
    expect([pageNeeds('/events'), pageNeeds('/admin'), pageNeeds('/'), pageNeeds('/cameras')]).toEqual(['EVENTS', 'ADMIN', undefined, undefined]);
  });

  it('does not take a longer name for a page', () => {
    expect(pageNeeds('/administer')).toBeUndefined();
  });
});

describe('describeCameras', () => {
  it('says "All cameras" for *', () => {
    expect(describeCameras(['*'])).toBe('All cameras');
  });

  it('lists the labels of the cameras', () => {
    expect(describeCameras(['a', 'b'], (id) => id.toUpperCase())).toBe('A, B');
  });
});

describe('isSharePath', () => {
  it('matches share views only', () => {
    expect([isSharePath('/share/abc'), isSharePath('/shared'), isSharePath('/')]).toEqual([true, false, false]);
  });
});
